import { useUndoOffer } from './useUndoOffer';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Conversation, ConversationSummary, ConversationsApi, ExportFormat } from '../api/conversations';
import { ConversationRow } from './ConversationRow';
import '../styles/chat.css';

export interface ConversationListProps {
  api: Pick<ConversationsApi, 'list' | 'get' | 'rename' | 'remove' | 'restore' | 'exportURL' | 'exportFile' | 'onChange'>;
  /** the conversation open in the chat */
  current: string;
  /** the open chat is writing an answer: its conversation cannot be deleted until it ends */
  busy?: boolean;
  onOpen(c: Conversation): void;
  onNew(): void;
  /** onDeleted is told of a conversation deleted here (the chat starts anew if it was open) */
  onDeleted?(id: string): void;
  /** onRestored is told of a conversation put back by Undo, and whether it was open */
  onRestored?(c: Conversation, wasOpen: boolean): void;
  /** onSaved is told of every save the node announces (the chat follows its open conversation) */
  onSaved?(s: ConversationSummary): void;
  /** conversations a page (the node's limit) */
  pageSize?: number;
  /** how long a deleted conversation can be brought back, in ms */
  undoMs?: number;
  /** how long typing pauses before a search runs, in ms */
  searchDelay?: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const short = (t: string) => (t.length > 60 ? `${t.slice(0, 59)}…` : t);
const newestFirst = (a: ConversationSummary, b: ConversationSummary) => Date.parse(b.updated) - Date.parse(a.updated);
/** summaryOf is the list's line for a whole conversation (a restored one, before the node's event). */
function summaryOf(c: Conversation): ConversationSummary {
  const last = c.messages.at(-1)?.content ?? '';
  return { id: c.id, title: c.title, created: c.created, updated: c.updated, messages: c.messages.length, preview: last.slice(0, 120) };
}

/** save hands a blob to the browser as a download. */
function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * ConversationList is the chat's sidebar: saved conversations newest first, search, New chat,
 * and for each one open (Enter), rename (F2 or Rename), delete with Undo (Delete), export as
 * Markdown or JSON. It follows the node's conversation events.
 */
export function ConversationList({
  api, current, busy = false, onOpen, onNew, onDeleted, onRestored, onSaved, pageSize = 50, undoMs = 8000, searchDelay = 250,
}: ConversationListProps) {
  const [q, setQ] = useState('');
  const [items, setItems] = useState<ConversationSummary[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [deleted, setDeleted] = useState<{ c: Conversation; wasOpen: boolean } | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [working, setWorking] = useState(false);
  const latest = useRef(0); // answers to older searches are dropped
  const query = useRef(q);
  const openButtons = useRef(new Map<string, HTMLButtonElement>());
  const heading = useRef<HTMLHeadingElement>(null);
  const undoButton = useRef<HTMLButtonElement>(null);
  const focusAfter = useRef<string | null>(null); // a conversation whose button takes the focus once shown
  const saved = useRef(onSaved);
  saved.current = onSaved;

  const load = useCallback(async (text: string, more = false, from = 0) => {
    const n = ++latest.current;
    try {
      const r = await api.list({ q: text, limit: pageSize, offset: more ? from : 0 });
      if (n !== latest.current) return;
      setItems((xs) => (more && xs ? [...xs, ...r.data.filter((x) => !xs.some((y) => y.id === x.id))] : r.data));
      setTotal(r.total);
      setError(null);
    } catch (e) {
      if (n === latest.current) setError(message(e));
    }
  }, [api, pageSize]);

  // The search runs once typing pauses; the first load at once.
  const first = useRef(true);
  useEffect(() => {
    query.current = q;
    if (first.current) {
      first.current = false;
      void load(q);
      return;
    }
    const t = setTimeout(() => void load(q), searchDelay);
    return () => clearTimeout(t);
  }, [q, load, searchDelay]);

  // Live: a save, rename or restore puts the conversation in its place (newest first); a delete removes it.
  const shown = useRef(items);
  shown.current = items;
  useEffect(() => api.onChange((e) => {
    const xs = shown.current;
    if (e.type === 'conversation_deleted') {
      if (!xs?.some((x) => x.id === e.data.id)) return;
      setItems(xs.filter((x) => x.id !== e.data.id));
      setTotal((t) => Math.max(0, t - 1));
      return;
    }
    saved.current?.(e.data);
    if (query.current.trim()) {
      void load(query.current); // whether it matches is the node's to say
      return;
    }
    if (!xs) return;
    if (!xs.some((x) => x.id === e.data.id)) setTotal((t) => t + 1);
    setItems([e.data, ...xs.filter((x) => x.id !== e.data.id)].sort(newestFirst));
  }), [api, load]);

  // Focus follows the user: to a restored conversation, or to the list after Undo has gone.
  useEffect(() => {
    const id = focusAfter.current;
    if (id && openButtons.current.has(id)) {
      openButtons.current.get(id)?.focus();
      focusAfter.current = null;
    }
  });
  useUndoOffer(deleted, undoMs, undoButton, heading, () => {
    setDeleted(null);
    setStatus('');
  });

  const run = async (f: () => Promise<void>) => {
    setWorking(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(message(e));
    } finally {
      setWorking(false);
    }
  };

  const open = (s: ConversationSummary) => run(async () => {
    const c = await api.get(s.id);
    onOpen(c);
    setStatus(`Opened “${short(c.title)}”.`);
  });

  const endRename = (id: string) => {
    setRenaming(null);
    focusAfter.current = id;
  };
  const rename = async (s: ConversationSummary, title: string) => {
    setWorking(true);
    try {
      const r = await api.rename(s.id, title);
      setItems((xs) => xs && xs.map((x) => (x.id === s.id ? r : x)));
      setStatus(`Renamed to “${short(r.title)}”.`);
      endRename(s.id);
    } finally {
      setWorking(false);
    }
  };

  const locked = (s: ConversationSummary) => busy && s.id === current;
  const remove = (s: ConversationSummary) => {
    if (locked(s)) return;
    void run(async () => {
      const c = await api.get(s.id); // all of it, for Undo
      await api.remove(s.id);
      setItems((xs) => xs && xs.filter((x) => x.id !== s.id));
      setTotal((t) => Math.max(0, t - 1));
      setStatus(`Deleted “${short(s.title)}”.`);
      setDeleted({ c, wasOpen: s.id === current });
      onDeleted?.(s.id);
    });
  };
  const undo = () => {
    const d = deleted;
    if (!d) return;
    void run(async () => {
      // Back exactly as it was: id, title, times, messages with their memory and stopped marks.
      const c = await api.restore(d.c);
      setDeleted(null);
      setStatus(`Restored “${short(c.title)}”.`);
      if (!query.current.trim()) setItems((xs) => xs && [summaryOf(c), ...xs.filter((x) => x.id !== c.id)].sort(newestFirst));
      else void load(query.current);
      focusAfter.current = c.id;
      onRestored?.(c, d.wasOpen);
    });
  };

  const download = (s: ConversationSummary, format: ExportFormat) => {
    void run(async () => {
      const f = await api.exportFile(s.id, format, s.title.replace(/[\\/:*?"<>|\x00-\x1f]+/g, '_').slice(0, 80) || 'conversation');
      save(f.blob, f.name);
      setStatus(`Exported “${short(s.title)}” as ${format === 'md' ? 'Markdown' : 'JSON'}.`);
    });
  };

  const searching = q.trim() !== '';
  return (
    <nav className="conversations" aria-labelledby="conversations-title" data-testid="conversations">
      <div className="conv-head">
        <h2 id="conversations-title" ref={heading} tabIndex={-1}>Conversations</h2>
        <button data-testid="new-chat" onClick={onNew}>New chat</button>
      </div>
      <label htmlFor="conversation-search" className="sr-only">Search conversations</label>
      <input id="conversation-search" type="search" data-testid="conversation-search" placeholder="Search conversations"
        value={q} onChange={(e) => setQ(e.target.value)} />
      <div className="undo" data-testid="conversation-status-bar">
        <span role="status" aria-live="polite" data-testid="conversation-status">{status}</span>
        {deleted && <button ref={undoButton} data-testid="conversation-undo" onClick={undo} disabled={working}>Undo</button>}
      </div>
      {error && <p role="alert" className="error" data-testid="conversation-error">{error}</p>}
      {items === null && !error && <p className="meta">Loading…</p>}
      {items && items.length === 0 && (
        <p className="meta" data-testid="conversations-empty">
          {searching ? `No conversation matches “${q.trim()}”.` : 'No saved conversations yet: chats are kept here as you go (private chats are not).'}
        </p>
      )}
      {items && items.length > 0 && (
        <ul className="conv-list" aria-labelledby="conversations-title">
          {items.map((s, i) => (
            <ConversationRow key={s.id} s={s} index={i} isOpen={s.id === current} locked={locked(s)} working={working}
              renaming={renaming === s.id} onOpen={() => void open(s)} onStartRename={() => setRenaming(s.id)}
              onEndRename={() => endRename(s.id)} onRename={(t) => rename(s, t)} onDelete={() => remove(s)}
              exportURL={(f) => api.exportURL(s.id, f)} onExport={(f) => download(s, f)}
              openRef={(b) => { if (b) openButtons.current.set(s.id, b); else openButtons.current.delete(s.id); }} />
          ))}
        </ul>
      )}
      {items && items.length < total && (
        <button data-testid="conversations-more" onClick={() => void load(q, true, items.length)}>Show more</button>
      )}
    </nav>
  );
}
