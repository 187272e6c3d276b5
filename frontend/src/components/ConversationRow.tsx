import { useEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { ConversationSummary, ExportFormat } from '../api/conversations';

export interface ConversationRowProps {
  s: ConversationSummary;
  /** its place in the list (element ids) */
  index: number;
  /** open in the chat */
  isOpen: boolean;
  /** it cannot be deleted now (its answer is being written) */
  locked: boolean;
  /** the list is busy with another request */
  working: boolean;
  /** its title is being edited */
  renaming: boolean;
  onOpen(): void;
  onStartRename(): void;
  onEndRename(): void;
  /** onRename saves a new title; it rejects with the node's message */
  onRename(title: string): Promise<void>;
  onDelete(): void;
  exportURL(format: ExportFormat): string;
  onExport(format: ExportFormat): void;
  /** openRef is the button that opens it (the list gives it the focus back) */
  openRef(b: HTMLButtonElement | null): void;
}

export const maxTitle = 200;

/** when is a short local time: the hour today, else the date. */
function when(t: string): string {
  const d = new Date(t);
  if (Number.isNaN(d.getTime())) return '';
  return d.toDateString() === new Date().toDateString()
    ? d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : d.toLocaleDateString();
}

/**
 * ConversationRow is one saved conversation in the sidebar: its title opens it (Enter), F2 or
 * Rename edits the title in place (Enter or leaving the field saves, Escape gives up), Delete
 * deletes it; its exports are links.
 */
export function ConversationRow(p: ConversationRowProps) {
  const { s, index: i } = p;
  const [title, setTitle] = useState(s.title);
  const [error, setError] = useState<string | null>(null);
  // A rename on its way: the blur that follows Enter (or the field going away) sends nothing more.
  const sending = useRef(false);
  const editing = useRef(p.renaming);
  editing.current = p.renaming;

  useEffect(() => {
    if (p.renaming) {
      setTitle(s.title);
      setError(null);
    }
  }, [p.renaming, s.title]);

  const save = async () => {
    if (!editing.current || sending.current) return;
    const t = title.trim();
    if (t === s.title) {
      p.onEndRename();
      return;
    }
    if (t.length < 1 || t.length > maxTitle) {
      setError(`A title has 1 to ${maxTitle} characters.`);
      return;
    }
    sending.current = true;
    try {
      await p.onRename(t);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      sending.current = false;
    }
  };
  const onFieldKey = (e: KeyboardEvent<HTMLInputElement>) => {
    if (e.key === 'Enter') {
      e.preventDefault();
      void save();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      editing.current = false;
      p.onEndRename();
    }
  };
  const onOpenKey = (e: KeyboardEvent<HTMLButtonElement>) => {
    if (e.key === 'F2') {
      e.preventDefault();
      p.onStartRename();
    } else if (e.key === 'Delete') {
      e.preventDefault();
      p.onDelete();
    }
  };
  const exportLink = (format: ExportFormat, label: string) => (
    <a data-testid={`conversation-export-${format}`} href={p.exportURL(format)} download aria-label={`Export “${s.title}” as ${label}`}
      onClick={(e: MouseEvent) => { e.preventDefault(); p.onExport(format); }}>{label}</a>
  );

  return (
    <li data-testid="conversation" data-id={s.id} className={`conv${p.isOpen ? ' open' : ''}`}>
      {p.renaming ? (
        <div className="conv-rename">
          <label htmlFor={`conv-rename-${i}`} className="sr-only">New title for “{s.title}”</label>
          <input id={`conv-rename-${i}`} data-testid="conversation-title-input" value={title} autoFocus maxLength={maxTitle + 20}
            aria-invalid={error ? true : undefined} aria-describedby={error ? `conv-rename-error-${i}` : undefined}
            onChange={(e) => setTitle(e.target.value)} onKeyDown={onFieldKey} onBlur={() => void save()} />
          {error && <p role="alert" className="error" id={`conv-rename-error-${i}`}>{error}</p>}
        </div>
      ) : (
        <button className="conv-open" data-testid="conversation-open" aria-current={p.isOpen ? 'true' : undefined}
          aria-describedby={`conv-meta-${i}`} aria-keyshortcuts="F2 Delete" ref={p.openRef} onClick={p.onOpen} onKeyDown={onOpenKey}>
          <span className="conv-title" data-testid="conversation-title">{s.title}</span>
        </button>
      )}
      <p className="conv-meta" id={`conv-meta-${i}`}>
        <span>{when(s.updated)}</span> · <span>{s.messages} {s.messages === 1 ? 'message' : 'messages'}</span>
        {s.preview && <span className="conv-preview" data-testid="conversation-preview">{s.preview}</span>}
      </p>
      <div className="conv-actions">
        <button data-testid="conversation-rename" aria-label={`Rename “${s.title}”`} disabled={p.renaming} onClick={p.onStartRename}>Rename</button>
        <button data-testid="conversation-delete" aria-label={`Delete “${s.title}”`} disabled={p.locked || p.working}
          title={p.locked ? 'Stop the answer first' : undefined} onClick={p.onDelete}>Delete</button>
        <span className="conv-export" aria-hidden="true">Export</span>
        {exportLink('md', 'Markdown')}
        {exportLink('json', 'JSON')}
      </div>
    </li>
  );
}
