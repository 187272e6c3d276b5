// ChatSession is the chat's state outside its page: the app keeps one, so that switching to
// another page (to watch the route of an answer, say) neither stops the answer nor loses the
// draft, the messages or the memory switches. Chat renders it through useChatSession.
import { useSyncExternalStore } from 'react';
import type { Client } from '../api/client';
import type { Conversation, ConversationMessage } from '../api/conversations';
import { newConversationID, type AriaChatOptions } from '../api/memory';
import type { AriaStats, SamplingSettings } from '../api/types';
import { defaultMemoryOptions, type MemoryOptions } from './MemoryChat';
import { defaultSettings } from './Settings';

/** Turn is a message as the chat shows it: the saved message's fields (stopped, memory). */
export type Turn = ConversationMessage;

export interface ChatState {
  /** the conversation the node saves this chat as */
  id: string;
  turns: Turn[];
  draft: string;
  settings: SamplingSettings;
  memory: MemoryOptions;
  busy: boolean;
  error: string | null;
  stats: AriaStats;
  /** said to screen readers (reminders that fired) */
  announce: string;
}

/**
 * ariaOptions is a chat request's "aria": the conversation the node saves it as, and memory when
 * on. A private chat is saved nowhere: without memory it sends no "aria"; with memory the node
 * needs the conversation's name to read memory, and "private" makes it write nothing.
 */
export function ariaOptions(m: MemoryOptions, conversation: string): AriaChatOptions | undefined {
  if (m.on) return { memory: true, conversation, private: m.private };
  if (m.private) return undefined;
  return { memory: false, conversation };
}

type ChatClient = Pick<Client, 'chat'>;

export class ChatSession {
  private s: ChatState;
  private subs = new Set<() => void>();
  private ctrl: AbortController | null = null;
  /** how many messages the node holds for this conversation, as far as this chat knows */
  private saved = 0;

  constructor(init: Partial<ChatState> = {}) {
    this.s = {
      id: newConversationID(), turns: [], draft: '', settings: defaultSettings, memory: defaultMemoryOptions,
      busy: false, error: null, stats: {}, announce: '', ...init,
    };
  }

  get = (): ChatState => this.s;

  subscribe = (f: () => void): (() => void) => {
    this.subs.add(f);
    return () => {
      this.subs.delete(f);
    };
  };

  private set(patch: Partial<ChatState> | ((s: ChatState) => Partial<ChatState>)) {
    this.s = { ...this.s, ...(typeof patch === 'function' ? patch(this.s) : patch) };
    for (const f of this.subs) f();
  }

  setDraft(draft: string) {
    this.set({ draft });
  }

  setSettings(settings: SamplingSettings) {
    this.set({ settings });
  }

  setMemory(memory: MemoryOptions) {
    this.set({ memory });
  }

  setAnnounce(announce: string) {
    this.set({ announce });
  }

  updateTurn(i: number, f: (t: Turn) => Turn) {
    this.set((s) => ({ turns: s.turns.map((t, k) => (k === i ? f(t) : t)) }));
  }

  /** stale says whether the node holds another count of messages for the open conversation than this chat shows. */
  stale(id: string, messages: number): boolean {
    return id === this.s.id && !this.s.busy && messages !== this.saved;
  }

  send(client: ChatClient, text: string): Promise<void> {
    return this.run(client, [...this.s.turns, { role: 'user', content: text }]);
  }

  /** regenerate asks again for the last answer: the history up to the last user message, resent. */
  regenerate(client: ChatClient): Promise<void> {
    const k = this.s.turns.map((t) => t.role).lastIndexOf('user');
    if (k < 0) return Promise.resolve();
    return this.run(client, this.s.turns.slice(0, k + 1));
  }

  /** edit replaces user message i with text and resends: everything after it is cut. */
  edit(client: ChatClient, i: number, text: string): Promise<void> {
    if (this.s.turns[i]?.role !== 'user') return Promise.resolve();
    return this.run(client, [...this.s.turns.slice(0, i), { role: 'user', content: text }]);
  }

  /** stop ends the answer being written; what it has written stays, marked stopped. */
  stop() {
    this.ctrl?.abort();
  }

  /** leave drops the running answer (the node keeps it as stopped) without touching the turns. */
  private leave() {
    const c = this.ctrl;
    this.ctrl = null;
    c?.abort();
  }

  /** reset starts a new chat: a new conversation; the draft, settings and switches stay. */
  reset() {
    this.leave();
    this.saved = 0;
    this.set({ id: newConversationID(), turns: [], busy: false, error: null, stats: {}, announce: '' });
  }

  /**
   * open shows a saved conversation exactly: its messages with their memory footers and stopped
   * marks; a leading system message is the system prompt it was written with.
   */
  open(c: Conversation) {
    this.leave();
    const msgs = c.messages ?? [];
    const system = msgs[0]?.role === 'system' ? msgs[0].content : '';
    this.saved = msgs.length;
    this.set((s) => ({
      id: c.id, turns: system ? msgs.slice(1) : msgs, settings: { ...s.settings, system }, busy: false, error: null, stats: {}, announce: '',
    }));
  }

  private async run(client: ChatClient, history: Turn[]): Promise<void> {
    if (this.s.busy) return;
    const { id, settings, memory } = this.s;
    const at = history.length; // the answer's index
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    const mine = () => this.ctrl === ctrl; // a later reset or open drops this answer's updates
    this.set({ turns: [...history, { role: 'assistant', content: '' }], busy: true, error: null });
    let pieces = 0;
    let t0 = 0;
    let kept = false; // the node saves the answer: it finished, or was stopped
    try {
      await client.chat(history.map(({ role, content }) => ({ role, content })), settings, {
        onText: (piece) => {
          if (!mine()) return;
          // Client-side speed while streaming: pieces after the first over the time since it.
          const now = performance.now();
          if (pieces === 0) t0 = now;
          pieces++;
          const tps = pieces > 1 && now > t0 ? ((pieces - 1) * 1000) / (now - t0) : undefined;
          this.set((s) => ({
            turns: s.turns.map((t, k) => (k === at ? { ...t, content: t.content + piece } : t)),
            ...(tps !== undefined ? { stats: { ...s.stats, tokens_per_s: tps } } : {}),
          }));
        },
        onDone: ({ aria }) => {
          if (!mine() || !aria) return;
          const { memory: mem, ...rest } = aria;
          this.set((s) => ({
            stats: { ...s.stats, ...rest },
            ...(mem ? { turns: s.turns.map((t, k) => (k === at ? { ...t, memory: mem } : t)) } : {}),
          }));
          const fired = mem?.fired ?? [];
          if (fired.length) this.set({ announce: fired.map((f) => `Reminder: ${f.text}`).join('. ') });
        },
      }, ctrl.signal, ariaOptions(memory, id));
      kept = true;
    } catch (e) {
      if (!mine()) return;
      kept = ctrl.signal.aborted;
      if (kept) this.set((s) => ({ turns: s.turns.map((t, k) => (k === at ? { ...t, stopped: true } : t)) }));
      else this.set({ error: e instanceof Error ? e.message : String(e) });
    } finally {
      if (mine()) {
        this.ctrl = null;
        // What the node now holds: the request's messages (with the system prompt) and the answer.
        if (kept && !memory.private) this.saved = (settings.system ? 1 : 0) + at + 1;
        this.set({ busy: false });
      }
    }
  }
}

/** useChatSession renders a ChatSession's state. */
export function useChatSession(s: ChatSession): ChatState {
  return useSyncExternalStore(s.subscribe, s.get);
}
