import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Client } from './api/client';
import { ConversationsApi } from './api/conversations';
import { MemoryApi } from './api/memory';
import type { AriaStats, MetricsEvent, ModelsResponse, Progress, Status } from './api/types';
import { ActivityPage } from './components/ActivityPage';
import { HelpSheet } from './components/HelpSheet';
import { ChatPage } from './components/ChatPage';
import { ChatSession } from './components/ChatSession';
import { LedgerPage } from './components/LedgerPage';
import { MemoryPage } from './components/MemoryPage';
import { ModelChoice } from './components/ModelChoice';
import { ModelPicker } from './components/ModelPicker';
import { ModelsPage } from './components/ModelsPage';
import { NetworkPage } from './components/NetworkPage';
import { SettingsPage } from './components/SettingsPage';
import { useSettingsTheme } from './api/settings';
import { StatusBar } from './components/StatusBar';
import { Welcome } from './components/Welcome';
import { localFirstRun, type FirstRunStore } from './firstRun';
import { MetricsHistory } from './metricsHistory';
import { commandFor, type Command } from './shortcuts';

const empty: ModelsResponse = { catalogue: [], local: [], downloads: [] };

/**
 * The pages, in the order of the navigation. The ids are also the nav buttons' test ids
 * (nav-ID); 'network' is the Peers page (its id kept for the tests that open it).
 */
export type Page = 'chat' | 'memory' | 'models' | 'network' | 'ledger' | 'activity' | 'settings';
export const pages: { id: Page; label: string }[] = [
  { id: 'chat', label: 'Chat' },
  { id: 'memory', label: 'Memory' },
  { id: 'models', label: 'Models' },
  { id: 'network', label: 'Peers' },
  { id: 'ledger', label: 'Ledger' },
  { id: 'activity', label: 'Activity' },
  { id: 'settings', label: 'Settings' },
];

/** The first-run setup: not known yet (reading the node and the flag), showing, or not. */
type Setup = 'unknown' | 'open' | 'closed';

export interface AppProps {
  client: Client;
  /** where "first run done" is kept (default: this page's localStorage) */
  firstRun?: FirstRunStore;
}

export function App({ client, firstRun: firstRunStore }: AppProps) {
  const firstRun = useMemo(() => firstRunStore ?? localFirstRun(), [firstRunStore]);
  const [page, setPage] = useState<Page>('chat');
  const [status, setStatus] = useState<Status | null>(null);
  const [models, setModels] = useState<ModelsResponse>(empty);
  const [live, setLive] = useState<AriaStats>({});
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [setupDone, setSetupDone] = useState<boolean | null>(null);
  const [setup, setSetup] = useState<Setup>('unknown');
  const [help, setHelp] = useState(false);
  const [announce, setAnnounce] = useState('');
  const memory = useMemo(() => new MemoryApi(client), [client]);
  const history = useMemo(() => new MetricsHistory(), []);
  const mainRef = useRef<HTMLElement>(null);
  const appRef = useRef<HTMLDivElement>(null);
  // A command to finish once the page it needs is on screen (after setPage), and a counter that
  // makes the effect below run when the page did not change.
  const pending = useRef<Command | 'focus-chat' | null>(null);
  const [tick, setTick] = useState(0);
  const conversations = useMemo(() => new ConversationsApi(client), [client]);
  const [chat] = useState(() => new ChatSession()); // the chat, its draft and answer outlive page switches
  useSettingsTheme(client);

  const refresh = useCallback(async () => {
    try {
      const [st, ms] = await Promise.all([client.status(), client.models().catch(() => empty)]);
      setStatus(st);
      setModels(ms);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  }, [client]);

  useEffect(() => {
    void refresh();
    const stop = client.events(['metrics', 'download', 'node'], (type, data) => {
      if (type === 'metrics') {
        const m = data as MetricsEvent;
        history.push(m);
        setLive({ mj_per_token: m.mj_per_token, energy_kind: m.energy_kind, energy_detail: m.energy_detail });
      } else if (type === 'download') {
        const p = data as Progress;
        setModels((ms) => ({ ...ms, downloads: [...ms.downloads.filter((d) => d.id !== p.id), p] }));
        if (p.state === 'done') void refresh();
      } else {
        void refresh();
      }
    });
    return stop;
  }, [client, refresh, history]);

  // First run: the setup opens by itself when it was never done and there is nothing to chat
  // with; with a model already loaded (serve --model) the chat opens. Settings can start it again.
  useEffect(() => {
    let live = true;
    firstRun.isDone().then((d) => live && setSetupDone(d), () => live && setSetupDone(false));
    return () => {
      live = false;
    };
  }, [firstRun]);
  useEffect(() => {
    if (setup === 'unknown' && status !== null && setupDone !== null) setSetup(!setupDone && !status.model ? 'open' : 'closed');
  }, [setup, status, setupDone]);

  const startSetup = useCallback(() => {
    void firstRun.setDone(false);
    setSetupDone(false);
    setSetup('open');
  }, [firstRun]);
  const endSetup = useCallback((how: 'finished' | 'skipped') => {
    void firstRun.setDone(true);
    setSetupDone(true);
    setSetup('closed');
    setPage('chat');
    setAnnounce(how === 'finished' ? 'Setup finished.' : 'Setup skipped.');
    pending.current = 'focus-chat';
    setTick((t) => t + 1);
  }, [firstRun]);

  // The help sheet is modal: the rest of the app is inert while it shows. A layout effect, so that
  // the app is live again before the sheet's cleanup gives the focus back.
  useLayoutEffect(() => {
    appRef.current?.toggleAttribute('inert', help);
  }, [help]);

  /** inPage carries out a command on the page on screen; false: this page cannot. */
  const inPage = useCallback((c: Command | 'focus-chat'): boolean => {
    const main = mainRef.current;
    if (!main) return false;
    const find = <T extends HTMLElement>(sel: string) => main.querySelector<T>(sel);
    switch (c) {
      case 'new-chat': {
        const b = find<HTMLButtonElement>('[data-shortcut="new-chat"], [data-testid="new-chat"]');
        if (!b) return false;
        b.click();
        find<HTMLElement>('#chat-input')?.focus();
        return true;
      }
      case 'search': {
        const s = find<HTMLInputElement>('[data-shortcut="search"], input[type="search"]');
        if (!s) return false;
        s.focus();
        s.select?.();
        return true;
      }
      case 'focus-chat': {
        const input = find<HTMLElement>('#chat-input:not(:disabled)');
        (input ?? main).focus();
        return true;
      }
      case 'settings':
        main.focus();
        return true;
      default:
        return false;
    }
  }, []);

  useEffect(() => {
    const c = pending.current;
    if (!c) return;
    pending.current = null;
    if (!inPage(c)) {
      if (c === 'search') setAnnounce('There is no search box on this page or in the chat.');
      else if (c === 'new-chat') setAnnounce('Load a model to start a chat.');
    }
  }, [page, tick, inPage]);

  const run = useCallback((c: Command): boolean => {
    switch (c) {
      case 'help':
        setHelp(true);
        return true;
      case 'stop': {
        const b = mainRef.current?.querySelector<HTMLButtonElement>('[data-shortcut="stop"], [data-testid="stop"]');
        if (!b) return false; // nothing is being written: Escape stays free for others
        b.click();
        setAnnounce('Stopped.');
        return true;
      }
      case 'search':
        // The page's own search box, else the chat's (its conversation search).
        if (inPage('search')) return true;
        break;
      default:
        break;
    }
    setPage(c === 'settings' ? 'settings' : 'chat');
    pending.current = c;
    setTick((t) => t + 1);
    return true;
  }, [inPage]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || help) return;
      const c = commandFor(e);
      if (!c || (setup === 'open' && c !== 'help')) return;
      if (run(c)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [help, setup, run]);

  const act = (f: () => Promise<unknown>) => async () => {
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
    await refresh();
  };
  const load = async (name: string) => {
    setLoading(true);
    await act(() => client.load(name))();
    setLoading(false);
  };
  const ready = !!status?.model;
  const current = status?.model?.id ?? null;

  const content = () => {
    switch (page) {
      case 'chat':
        if (ready) {
          return (
            <ChatPage session={chat} conversations={conversations} client={client} ready={ready && !loading} live={live} memory={memory}
              picker={<ModelPicker models={models.local} current={current} busy={loading} onPick={load} />} />
          );
        }
        return status && (
          <section className="welcome" aria-labelledby="no-model-title">
            <h2 id="no-model-title">Choose a model to chat with</h2>
            <ModelChoice client={client} models={models} loaded={current} onChanged={() => void refresh()} />
          </section>
        );
      case 'models':
        return (
          <ModelsPage models={models} onDownload={(id) => void act(() => client.download(id))()}
            onCancel={(id) => void act(() => client.cancelDownload(id))()} onLoad={load}
            onRemove={(n) => void act(() => client.remove(n))()} onImport={(p) => void act(() => client.importFile(p))()} />
        );
      case 'network':
        // The Peers page (the peers helper's PeersPage replaces NetworkPage here).
        return <NetworkPage client={client} />;
      case 'ledger':
        return <LedgerPage client={client} />;
      case 'memory':
        return <MemoryPage api={memory} />;
      case 'activity':
        return <ActivityPage history={history} />;
      case 'settings':
        return <SettingsPage client={client} onRunSetup={startSetup} />;
    }
  };

  return (
    <>
      <div className="app" ref={appRef}>
        <a className="skip-link" href="#main" onClick={(e) => { e.preventDefault(); mainRef.current?.focus(); }}>Skip to content</a>
        <header>
          <h1>ARIA</h1>
          {setup !== 'open' && (
            <nav aria-label="Pages">
              <ul>
                {pages.map((p) => (
                  <li key={p.id}>
                    <button data-testid={`nav-${p.id}`} aria-current={page === p.id ? 'page' : undefined} onClick={() => setPage(p.id)}>
                      {p.label}
                    </button>
                  </li>
                ))}
              </ul>
            </nav>
          )}
          <button className="help-button" data-testid="help" aria-keyshortcuts="F1" onClick={() => setHelp(true)}>
            Shortcuts <kbd aria-hidden="true">F1</kbd>
          </button>
        </header>
        {error && <p role="alert" className="error">{error}</p>}
        <main id="main" ref={mainRef} tabIndex={-1}>
          {setup === 'unknown' && !error && <p className="meta">Connecting to the node…</p>}
          {setup === 'open' && (
            <Welcome client={client} models={models} loaded={current} onChanged={() => void refresh()} onDone={endSetup} />
          )}
          {/* A node that does not answer its status still has pages that may (and the error above). */}
          {(setup === 'closed' || (setup === 'unknown' && error !== null)) && content()}
        </main>
        <p className="sr-only" aria-live="polite" data-testid="shell-announce">{announce}</p>
        <StatusBar status={status} url={client.url} />
      </div>
      {help && <HelpSheet onClose={() => setHelp(false)} />}
    </>
  );
}
