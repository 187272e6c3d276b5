import { useRef, useState } from 'react';
import { type MemoryKind, type NewMemory } from '../api/memory';
import { FieldError, toFormError, type FormError } from './MemoryFieldError';
import { MemoryKindSelect, MemoryText } from './MemoryFields';

const fields = ['text', 'kind', 'pinned'] as const;
const p = 'memory-add';


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
      <MemoryText value={text} onChange={setText} err={err} testid={p} prefix={p} inputRef={input} />
      <div className="row">
        <MemoryKindSelect value={kind} onChange={setKind} err={err} testid={p} prefix={p} />
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
