import { useRef, useState } from 'react';
import type { Client } from '../api/client';
import type { AriaStats, ChatMessage, SamplingSettings } from '../api/types';
import { Composer } from './Composer';
import { MessageList } from './MessageList';
import { Readout } from './Readout';
import { Settings, defaultSettings } from './Settings';
import { AuditBadge } from './AuditBadge';
import { newConversationID, type AriaMemory, type MemoryApi } from '../api/memory';
import { IntentionChip } from './IntentionChip';
import { MemorySwitches, MemoryUsed, defaultMemoryOptions, type MemoryOptions } from './MemoryChat';

export interface ChatProps {
  client: Pick<Client, 'chat'>;
  ready: boolean;
  /** live figures from the node's metrics events (energy), merged into the readout */
  live?: AriaStats;
  picker?: React.ReactNode;
  /** the node's intentions, to mark a reminder that fired in the chat done */
  memory?: Pick<MemoryApi, 'updateIntention'>;
}

/** Chat is the conversation page: streamed answers, Stop, New chat, settings. */
export function Chat({ client, ready, live, picker, memory }: ChatProps) {
  const [messages, setMessages] = useState<ChatMessage[]>([]);
  const [settings, setSettings] = useState<SamplingSettings>(defaultSettings);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [stats, setStats] = useState<AriaStats>({});
  const abort = useRef<AbortController | null>(null);
  const [memOpts, setMemOpts] = useState<MemoryOptions>(defaultMemoryOptions);
  const [conversation, setConversation] = useState(newConversationID);
  // What memory did for each answer, by the answer's index in messages.
  const [recall, setRecall] = useState<Record<number, AriaMemory>>({});
  const [announce, setAnnounce] = useState('');

  const send = async (text: string) => {
    const history: ChatMessage[] = [...messages, { role: 'user', content: text }];
    setMessages([...history, { role: 'assistant', content: '' }]);
    setBusy(true);
    setError(null);
    const ctrl = new AbortController();
    abort.current = ctrl;
    let pieces = 0;
    let t0 = 0;
    const at = history.length; // the answer's index
    const opts = memOpts.on ? { memory: true, conversation, private: memOpts.private } : undefined;
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
          if (!aria) return;
          const { memory: mem, ...rest } = aria;
          setStats((s) => ({ ...s, ...rest }));
          if (mem) {
            setRecall((r) => ({ ...r, [at]: mem }));
            const fired = mem.fired ?? [];
            if (fired.length) setAnnounce(fired.map((f) => `Reminder: ${f.text}`).join('. '));
          }
        },
      }, ctrl.signal, opts);
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
    setRecall({});
    setAnnounce('');
    setConversation(newConversationID()); // a new chat is a new conversation for memory
  };
  const dismiss = async (i: number, id: string) => {
    await memory?.updateIntention(id, { state: 'done' });
    // The focus moves to the next reminder, else back to the message box.
    const chips = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="reminder-chip"]'));
    const k = chips.findIndex((c) => c.dataset.id === id);
    const next = chips[k + 1] ?? chips[k - 1] ?? document.getElementById('chat-input');
    setRecall((r) => ({ ...r, [i]: { ...r[i], fired: (r[i].fired ?? []).filter((f) => f.id !== id) } }));
    setAnnounce('Reminder done.');
    next?.focus();
  };
  const footer = (i: number) => {
    const r = recall[i];
    if (!r) return null;
    const fired = r.fired ?? [];
    return (
      <div className="memory-footer">
        <MemoryUsed used={r.used} />
        {fired.length > 0 && (
          <ul className="chips" aria-label="Reminders">
            {fired.map((f) => <IntentionChip key={f.id} id={f.id} text={f.text} onDismiss={(id) => dismiss(i, id)} />)}
          </ul>
        )}
      </div>
    );
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
      <div className="toolbar" data-testid="memory-bar" data-conversation={conversation}>
        <MemorySwitches value={memOpts} onChange={setMemOpts} />
      </div>
      <Settings value={settings} onChange={setSettings} />
      <MessageList messages={messages} pending={busy} footer={footer} />
      <p className="sr-only" aria-live="polite" data-testid="memory-announce">{announce}</p>
      {error && <p role="alert" className="error">{error}</p>}
      <Composer busy={busy} disabled={!ready} onSend={send} onStop={stop} />
    </section>
  );
}
