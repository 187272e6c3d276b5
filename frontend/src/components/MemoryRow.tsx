import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import { type MemoryItem, type MemoryKind, type MemoryPatch } from '../api/memory';
import { MemoryKindSelect, MemoryText } from './MemoryFields';
import { FieldError, invalid, toFormError, type FormError } from './MemoryFieldError';

const fields = ['text', 'kind', 'importance', 'never_recall', 'pinned'] as const;

export interface MemoryRowProps {
  item: MemoryItem;
  /** onSave patches the item; it rejects with the node's error (naming the field) */
  onSave(id: string, p: MemoryPatch): Promise<void>;
  onDelete(item: MemoryItem): void;
  busy?: boolean;
}

const when = (t?: string) => (t ? new Date(t).toLocaleString() : '');

/** MemoryRow is one memory: read, edited in place, pinned or deleted. */
export function MemoryRow({ item, onSave, onDelete, busy }: MemoryRowProps) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState(item.text);
  const [kind, setKind] = useState<MemoryKind>(item.kind);
  const [importance, setImportance] = useState(String(item.importance));
  const [neverRecall, setNeverRecall] = useState(item.never_recall);
  const [err, setErr] = useState<FormError | null>(null);
  const [saving, setSaving] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);
  const textBox = useRef<HTMLTextAreaElement>(null);
  const wasEditing = useRef(false);
  const p = `memory-edit-${item.id}`;

  useEffect(() => {
    if (editing) textBox.current?.focus();
    else if (wasEditing.current) editButton.current?.focus(); // back where the user was
    wasEditing.current = editing;
  }, [editing]);

  const start = () => {
    setText(item.text);
    setKind(item.kind);
    setImportance(String(item.importance));
    setNeverRecall(item.never_recall);
    setErr(null);
    setEditing(true);
  };
  const save = async () => {
    const patch: MemoryPatch = {};
    if (text.trim() !== item.text) patch.text = text.trim();
    if (kind !== item.kind) patch.kind = kind;
    const imp = Number(importance);
    if (importance.trim() === '' || !(imp >= 0 && imp <= 1)) {
      setErr({ field: 'importance', message: 'importance: a number from 0 to 1' });
      return;
    }
    if (imp !== item.importance) patch.importance = imp;
    if (neverRecall !== item.never_recall) patch.never_recall = neverRecall;
    if (Object.keys(patch).length === 0) {
      setEditing(false);
      return;
    }
    setSaving(true);
    setErr(null);
    try {
      await onSave(item.id, patch);
      setEditing(false);
    } catch (e) {
      setErr(toFormError(e, fields));
    } finally {
      setSaving(false);
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setEditing(false);
    }
  };

  if (editing) {
    return (
      <li className="card memory-item editing" data-testid="memory-item" data-id={item.id}>
        <form aria-label="Edit memory" noValidate onKeyDown={onKey} onSubmit={(e) => { e.preventDefault(); void save(); }}>
          <MemoryText value={text} onChange={setText} err={err} testid="memory-edit" prefix={p} inputRef={textBox} />
          <div className="row">
            <MemoryKindSelect value={kind} onChange={setKind} err={err} testid="memory-edit" prefix={p} />
            <label>
              Importance (0–1){' '}
              <input type="number" min={0} max={1} step={0.05} value={importance} data-testid="memory-edit-importance"
                {...invalid(err, 'importance', p)} onChange={(e) => setImportance(e.target.value)} />
            </label>
            <label className="check">
              <input type="checkbox" checked={neverRecall} data-testid="memory-edit-never-recall"
                onChange={(e) => setNeverRecall(e.target.checked)} />
              Never recall in chat
            </label>
          </div>
          <FieldError err={err} field="kind" prefix={p} />
          <FieldError err={err} field="importance" prefix={p} />
          <FieldError err={err} field="never_recall" prefix={p} />
          <FieldError err={err} field="pinned" prefix={p} />
          <FieldError err={err} field={null} prefix={p} />
          <div className="row">
            <button type="submit" data-testid="memory-edit-save" disabled={saving}>Save</button>
            <button type="button" data-testid="memory-edit-cancel" onClick={() => setEditing(false)}>Cancel</button>
          </div>
        </form>
      </li>
    );
  }

  const closed = !!item.valid_to;
  return (
    <li className={`card memory-item${closed ? ' closed' : ''}`} data-testid="memory-item" data-id={item.id}>
      <p className="memory-text" data-testid="memory-text">{item.text}</p>
      <div className="row meta">
        <span className="badge" data-testid="memory-kind">{item.kind}</span>
        {item.pinned && <span className="badge pinned" data-testid="memory-pinned">pinned</span>}
        {item.never_recall && <span className="badge">never recalled</span>}
        {closed && <span className="badge" title={`No longer valid since ${when(item.valid_to)}`}>superseded</span>}
        <span>from {item.source || 'unknown'}</span>
        <span>updated {when(item.updated)}</span>
        {item.last_used && <span>last used {when(item.last_used)}</span>}
      </div>
      <div className="row actions">
        <button ref={editButton} data-testid="memory-edit" disabled={busy} onClick={start}
          aria-label={`Edit: ${item.text}`}>Edit</button>
        <button data-testid="memory-pin" disabled={busy}
          aria-label={`${item.pinned ? 'Unpin' : 'Pin'}: ${item.text}`}
          onClick={() => void onSave(item.id, { pinned: !item.pinned }).catch((e) => setErr(toFormError(e, fields)))}>
          {item.pinned ? 'Unpin' : 'Pin'}
        </button>
        <button data-testid="memory-delete" disabled={busy} aria-label={`Delete: ${item.text}`}
          onClick={() => onDelete(item)}>Delete</button>
      </div>
      <FieldError err={err} field={err?.field ?? null} prefix={p} />
    </li>
  );
}
