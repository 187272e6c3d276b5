import { useRef, useState } from 'react';
import type { Client } from '../api/client';
import type { AriaStats, ChatMessage, SamplingSettings } from '../api/types';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { Readout } from './Readout';
import { Settings, defaultSettings } from './Settings';
import { AuditBadge } from './AuditBadge';

export interface ChatProps {
  client: Pick<Client, 'chat'>;
  ready: boolean;
  /** live figures from the node's metrics events (energy), merged into the readout */
  live?: AriaStats;
  picker?: React.ReactNode;
}

/** Chat is the conversation page: streamed answers, Stop, New chat, settings. */
export function Chat({ client, ready, live, picker }: ChatProps) {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [settings, setSettings] = useState<SamplingSettings>(defaultSettings);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [stats, setStats] = useState<AriaStats>({});
  const abort = useRef<AbortController | null>(null);

  const send = async (text: string) => {
    const history: ChatMessage[] = [...messages, { role: 'user', content: text }];
    setMessages([...history, { role: 'assistant', content: '' }]);
    setBusy(true);
    setError(null);
    const ctrl = new AbortController();
    abort.current = ctrl;
    let pieces = 0;
    let t0 = 0;
    try {
      await client.chat(history, settings, {
        onText(piece) {
          // Client-side speed while streaming: pieces after the first over the time since it.
          const now = performance.now();
          if (pieces === 0) t0 = now;
          pieces++;
          if (pieces > 1 && now > t0) setStats((s) => ({ ...s, tokens_per_s: ((pieces - 1) * 1000) / (now - t0) }));
          setMessages((ms) => {
            const last = ms[ms.length - 1];
            return [...ms.slice(0, -1), { ...last, content: last.content + piece }];
          });
        },
        onDone({ aria }) {
          if (aria) setStats((s) => ({ ...s, ...aria }));
        },
      }, ctrl.signal);
    } catch (e) {
      if (!ctrl.signal.aborted) setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
      abort.current = null;
    }
  };

  const stop = () => abort.current?.abort();
  const reset = () => {
    stop();
    setMessages([]);
    setStats({});
    setError(null);
  };
  const shown: AriaStats = { ...stats, ...(busy && live ? { mj_per_token: live.mj_per_token ?? stats.mj_per_token } : {}) };
  const kind = shown.energy_kind ?? live?.energy_kind;
  const detail = shown.energy_detail ?? live?.energy_detail;

  return (
    <section className="chat" aria-label="Chat">
      <div className="toolbar">
        {picker}
        <button data-testid="new-chat" onClick={reset}>New chat</button>
        <Readout tokensPerS={shown.tokens_per_s} mjPerToken={shown.mj_per_token} energyKind={kind}
          energyDetail={detail} live={busy} />
        {!busy && shown.audit && <AuditBadge audit={shown.audit} />}
      </div>
      <Settings value={settings} onChange={setSettings} />
      <MessageList messages={messages} pending={busy} />
      {error && <p role="alert" className="error">{error}</p>}
      <Composer busy={busy} disabled={!ready} onSend={send} onStop={stop} />
    </section>
  );
}
