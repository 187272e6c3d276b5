import { useRef, useState } from 'react';
import { memoryKinds, type MemoryKind, type NewMemory } from '../api/memory';
import { FieldError, invalid, toFormError, type FormError } from './MemoryFieldError';

const fields = ['text', 'kind', 'pinned'] as const;
const p = 'memory-add';

export const kindLabels: Record<MemoryKind, string> = {
  semantic: 'Fact (semantic)',
  episodic: 'Event (episodic)',
  procedural: 'Rule (procedural)',
};

/** MemoryAddForm stores a memory the user writes; the node's error is shown by its field. */
export function MemoryAddForm({ onAdd }: { onAdd(m: NewMemory): Promise<void> }) {
  const [text, setText] = useState('');
  const [kind, setKind] = useState<MemoryKind>('semantic');
  const [pinned, setPinned] = useState(false);
  const [err, setErr] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLTextAreaElement>(null);

  const submit = async () => {
    const t = text.trim();
    if (!t) {
      setErr({ field: 'text', message: 'text: write what to remember' });
      input.current?.focus();
      return;
    }
    setBusy(true);
    setErr(null);
    try {
      await onAdd({ text: t, kind, pinned });
      setText('');
      setPinned(false);
      input.current?.focus();
    } catch (e) {
      setErr(toFormError(e, fields));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card memory-add" aria-label="Add a memory" noValidate data-testid="memory-add"
      onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3>Add a memory</h3>
      <label>
        Text
        <textarea ref={input} rows={2} value={text} data-testid="memory-add-text" {...invalid(err, 'text', p)}
          onChange={(e) => setText(e.target.value)} />
      </label>
      <FieldError err={err} field="text" prefix={p} />
      <div className="row">
        <label>
          Kind{' '}
          <select value={kind} data-testid="memory-add-kind" {...invalid(err, 'kind', p)}
            onChange={(e) => setKind(e.target.value as MemoryKind)}>
            {memoryKinds.map((k) => <option key={k} value={k}>{kindLabels[k]}</option>)}
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={pinned} data-testid="memory-add-pinned" onChange={(e) => setPinned(e.target.checked)} />
          Pinned (always in the context)
        </label>
        <button type="submit" data-testid="memory-add-submit" disabled={busy}>Remember</button>
      </div>
      <FieldError err={err} field="kind" prefix={p} />
      <FieldError err={err} field="pinned" prefix={p} />
      <FieldError err={err} field={null} prefix={p} />
    </form>
  );
}
