import { useCallback, useEffect, useMemo, useState } from 'react';
import { Client } from './api/client';
import { MemoryApi } from './api/memory';
import type { AriaStats, MetricsEvent, ModelsResponse, Progress, Status } from './api/types';
import { Chat } from './components/Chat';
import { LedgerPage } from './components/LedgerPage';
import { MemoryPage } from './components/MemoryPage';
import { ModelPicker } from './components/ModelPicker';
import { ModelsPage } from './components/ModelsPage';
import { NetworkPage } from './components/NetworkPage';
import { SettingsPage } from './components/SettingsPage';
import { useSettingsTheme } from './api/settings';
import { StatusBar } from './components/StatusBar';
import { Welcome } from './components/Welcome';

const empty: ModelsResponse = { catalogue: [], local: [], downloads: [] };

type Page = 'chat' | 'memory' | 'models' | 'network' | 'ledger' | 'settings';
const pages: { id: Page; label: string }[] = [
  { id: 'chat', label: 'Chat' }, { id: 'memory', label: 'Memory' }, { id: 'models', label: 'Models' }, { id: 'network', label: 'Network' },
  { id: 'ledger', label: 'Ledger' }, { id: 'settings', label: 'Settings' },
];

export function App({ client }: { client: Client }) {
  const [page, setPage] = useState<Page>('chat');
  const [status, setStatus] = useState<Status | null>(null);
  const [models, setModels] = useState<ModelsResponse>(empty);
  const [live, setLive] = useState<AriaStats>({});
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const memory = useMemo(() => new MemoryApi(client), [client]);
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
  }, [client, refresh]);

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

  return (
    <div className="app">
      <header>
        <h1>ARIA</h1>
        <nav>
          {pages.map((p) => (
            <button key={p.id} data-testid={`nav-${p.id}`} aria-pressed={page === p.id} onClick={() => setPage(p.id)}>{p.label}</button>
          ))}
        </nav>
      </header>
      {error && <p role="alert" className="error">{error}</p>}
      <main>
        {page === 'chat' && !ready && status && (
          <Welcome catalogue={models.catalogue} onDownload={(id) => { void act(() => client.download(id))(); setPage('models'); }}
            onDemo={act(() => client.demo())} />
        )}
        {page === 'chat' && ready && (
          <Chat client={client} ready={ready && !loading} live={live} memory={memory}
            picker={<ModelPicker models={models.local} current={current} busy={loading} onPick={load} />} />
        )}
        {page === 'models' && (
          <ModelsPage models={models} onDownload={(id) => void act(() => client.download(id))()}
            onCancel={(id) => void act(() => client.cancelDownload(id))()} onLoad={load}
            onRemove={(n) => void act(() => client.remove(n))()} onImport={(p) => void act(() => client.importFile(p))()} />
        )}
        {page === 'network' && <NetworkPage client={client} />}
        {page === 'ledger' && <LedgerPage client={client} />}
        {page === 'memory' && <MemoryPage api={memory} />}
        {page === 'settings' && <SettingsPage client={client} />}
      </main>
      <StatusBar status={status} url={client.url} />
    </div>
  );
}
