import { useUndoOffer } from './useUndoOffer';
import { useCallback, useEffect, useRef, useState } from 'react';
import { memoryKinds, type MemoryApi, type MemoryItem, type MemoryKind, type MemoryPatch, type NewMemory } from '../api/memory';
import { IntentionsPanel } from './IntentionsPanel';
import { MemoryAddForm } from './MemoryAddForm';
import { kindLabels } from './MemoryFields';
import { MemoryForget } from './MemoryForget';
import { MemoryReembed } from './MemoryReembed';
import { MemoryRow } from './MemoryRow';
import { MemorySearch } from './MemorySearch';
import { MemoryTransfer } from './MemoryTransfer';

export interface MemoryPageProps {
  api: MemoryApi;
  /** memories a page (the node's limit) */
  pageSize?: number;
  /** how long a deleted memory can be brought back, in ms */
  undoMs?: number;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const short = (t: string) => (t.length > 60 ? `${t.slice(0, 57)}…` : t);

/** MemoryPage: what this node remembers, by kind; search and why; add, edit, pin, delete with undo; reminders. */
export function MemoryPage({ api, pageSize = 20, undoMs = 8000 }: MemoryPageProps) {
  const [kind, setKind] = useState<MemoryKind | ''>('');
  const [offset, setOffset] = useState(0);
  const [items, setItems] = useState<MemoryItem[] | null>(null);
  const [more, setMore] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [status, setStatus] = useState('');
  const [deleted, setDeleted] = useState<MemoryItem | null>(null);
  const latest = useRef(0); // answers to older requests (another kind or page) are dropped
  const undoButton = useRef<HTMLButtonElement>(null);
  const listTitle = useRef<HTMLHeadingElement>(null);

  const load = useCallback(async () => {
    const n = ++latest.current;
    try {
      // One more than a page: whether there is a next page.
      const r = await api.list({ kind: kind || undefined, limit: pageSize + 1, offset });
      if (n !== latest.current) return;
      setItems(r.slice(0, pageSize));
      setMore(r.length > pageSize);
      setError(null);
    } catch (e) {
      if (n === latest.current) setError(message(e));
    }
  }, [api, kind, offset, pageSize]);

  useEffect(() => {
    void load();
  }, [load]);

  useUndoOffer(deleted, undoMs, undoButton, listTitle, () => {
    setDeleted(null);
    setStatus('');
  });

  const run = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };

  const add = async (m: NewMemory) => {
    const it = await api.add(m); // rejects: the form shows the error by its field
    setStatus(`Remembered: “${short(it.text)}”`);
    await load();
  };
  const save = async (id: string, p: MemoryPatch) => {
    const it = await api.update(id, p);
    setItems((xs) => xs && xs.map((x) => (x.id === id ? it : x)));
    setStatus(p.pinned === undefined ? 'Saved.' : p.pinned ? `Pinned: “${short(it.text)}”` : `Unpinned: “${short(it.text)}”`);
  };
  const remove = (it: MemoryItem) => run(async () => {
    await api.remove(it.id);
    setItems((xs) => xs && xs.filter((x) => x.id !== it.id));
    setStatus(`Deleted: “${short(it.text)}”.`);
    setDeleted(it);
    void load();
  });
  const undo = () => {
    const it = deleted;
    if (!it) return;
    void run(async () => {
      // Back exactly as it was, id, source and times included: the item as one line of an import.
      await api.restore(it);
      setDeleted(null);
      setStatus(`Restored: “${short(it.text)}”.`);
      listTitle.current?.focus();
      await load();
    });
  };
  const forget = async () => {
    await api.forgetAll();
    setDeleted(null);
    setOffset(0);
    setStatus('Every memory was forgotten.');
    await load();
  };
  const pick = (k: MemoryKind | '') => {
    setKind(k);
    setOffset(0);
  };

  return (
    <section className="memory" aria-label="Memory" data-testid="memory-page">
      <p className="meta">
        What ARIA remembers stays on this computer. Chats add to it only when their memory switch is on.
      </p>
      <MemoryReembed api={api} />
      <div className="undo" data-testid="memory-status-bar">
        <span role="status" aria-live="polite" data-testid="memory-status">{status}</span>
        {deleted && <button ref={undoButton} data-testid="memory-undo" onClick={undo} disabled={busy}>Undo</button>}
      </div>
      {error && <p role="alert" className="error" data-testid="memory-error">{error}</p>}
      <MemorySearch api={api} />
      <MemoryAddForm onAdd={add} />
      <h2 ref={listTitle} tabIndex={-1} id="memory-list-title">Memories</h2>
      <div className="toolbar">
        <div role="group" aria-label="Kind" className="kinds">
          {([''] as (MemoryKind | '')[]).concat(memoryKinds).map((k) => (
            <button key={k || 'all'} data-testid={`memory-kind-${k || 'all'}`} aria-pressed={kind === k} onClick={() => pick(k)}>
              {k ? kindLabels[k] : 'All'}
            </button>
          ))}
        </div>
        <MemoryTransfer api={api} onImported={() => { setOffset(0); void load(); }} />
        <MemoryForget onForget={forget} />
      </div>
      {items === null && !error && <p className="meta">Loading…</p>}
      {items && items.length === 0 && (
        <p className="card" data-testid="memory-empty">
          {offset > 0 ? 'No more memories.' : kind ? `No ${kind} memories.` : 'Nothing remembered yet — add a memory above, or turn on memory in a chat.'}
        </p>
      )}
      {items && items.length > 0 && (
        <ul className="memory-list" aria-labelledby="memory-list-title">
          {items.map((it) => <MemoryRow key={it.id} item={it} busy={busy} onSave={save} onDelete={(x) => void remove(x)} />)}
        </ul>
      )}
      {(offset > 0 || more) && (
        <nav className="row pager" aria-label="Pages of memories">
          <button data-testid="memory-prev" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - pageSize))}>Previous</button>
          <span data-testid="memory-page-n">Page {Math.floor(offset / pageSize) + 1}</span>
          <button data-testid="memory-next" disabled={!more} onClick={() => setOffset(offset + pageSize)}>Next</button>
        </nav>
      )}
      <IntentionsPanel api={api} />
    </section>
  );
}
