import { useState } from 'react';
import type { Client } from '../api/client';
import type { MemoryApi } from '../api/memory';
import type { AriaStats } from '../api/types';
import { AuditBadge } from './AuditBadge';
import { ChatSession, useChatSession } from './ChatSession';
import { Composer } from './Composer';
import { IntentionChip } from './IntentionChip';
import { MemorySwitches, MemoryUsed } from './MemoryChat';
import { MessageList } from './MessageList';
import { Readout } from './Readout';
import { Settings } from './Settings';
import '../styles/chat.css';

export interface ChatProps {
  client: Pick<Client, 'chat'>;
  ready: boolean;
  /** live figures from the node's metrics events (energy), merged into the readout */
  live?: AriaStats;
  picker?: React.ReactNode;
  /** the node's intentions, to mark a reminder that fired in the chat done */
  memory?: Pick<MemoryApi, 'updateIntention'>;
  /** the chat's state, kept by the app across page switches; without it the chat keeps its own */
  session?: ChatSession;
  /** show a New chat button (false where the conversation list has one) */
  newChat?: boolean;
}

/** Chat is the conversation page: streamed answers, Stop, regenerate and edit, New chat, settings. */
export function Chat({ client, ready, live, picker, memory, session: given, newChat = true }: ChatProps) {
  const [own] = useState(() => new ChatSession());
  const session = given ?? own;
  const st = useChatSession(session);
  const { turns, busy, stats } = st;

  const send = (text: string) => void session.send(client, text);
  const dismiss = async (i: number, id: string) => {
    await memory?.updateIntention(id, { state: 'done' });
    // The focus moves to the next reminder, else back to the message box.
    const chips = Array.from(document.querySelectorAll<HTMLElement>('[data-testid="reminder-chip"]'));
    const k = chips.findIndex((c) => c.dataset.id === id);
    const next = chips[k + 1] ?? chips[k - 1] ?? document.getElementById('chat-input');
    session.updateTurn(i, (t) => ({ ...t, memory: t.memory && { ...t.memory, fired: (t.memory.fired ?? []).filter((f) => f.id !== id) } }));
    session.setAnnounce('Reminder done.');
    next?.focus();
  };
  const footer = (i: number) => {
    const r = turns[i].role === 'assistant' ? turns[i].memory : undefined;
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
    <section className="chat" aria-labelledby="chat-title">
      <h2 id="chat-title" className="sr-only">Chat</h2>
      <div className="toolbar">
        {picker}
        {newChat && <button data-testid="new-chat" onClick={() => session.reset()}>New chat</button>}
        <Readout tokensPerS={shown.tokens_per_s} mjPerToken={shown.mj_per_token} energyKind={kind}
          energyDetail={detail} live={busy} />
        {!busy && shown.audit && <AuditBadge audit={shown.audit} />}
      </div>
      <div className="toolbar" data-testid="memory-bar" data-conversation={st.id}>
        <MemorySwitches value={st.memory} onChange={(m) => session.setMemory(m)} />
        {st.memory.private && <span className="meta" data-testid="private-note">Private: this chat is not saved.</span>}
      </div>
      <Settings value={st.settings} onChange={(s) => session.setSettings(s)} />
      <MessageList messages={turns} pending={busy} footer={footer}
        onRegenerate={ready ? () => void session.regenerate(client) : undefined}
        onEdit={ready ? (i, text) => void session.edit(client, i, text) : undefined} />
      <p className="sr-only" aria-live="polite" data-testid="memory-announce">{st.announce}</p>
      {st.error && <p role="alert" className="error">{st.error}</p>}
      <Composer busy={busy} disabled={!ready} value={st.draft} onChange={(t) => session.setDraft(t)} onSend={send}
        onStop={() => session.stop()} />
    </section>
  );
}
