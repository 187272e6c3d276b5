import { useRef, useState, type ReactNode } from 'react';

/** reasonOf is an error's message without the "field: " the node puts first (the field is shown beside it). */
export function reasonOf(e: unknown, field?: string | null): string {
  const m = e instanceof Error ? e.message : String(e);
  if (field) {
    const leaf = field.split('.').pop()!;
    for (const p of [`${field}: `, `${leaf}: `, `policy: ${field}: `]) {
      if (m.startsWith(p)) return m.slice(p.length);
    }
  }
  return m;
}

/** describedBy joins the ids that describe a control (its hint, its error), or undefined. */
function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  const s = ids.filter(Boolean).join(' ');
  return s || undefined;
}

export interface TextFieldProps {
  /** id of the input; its hint is `${id}-hint`, its error `${id}-error` */
  id: string;
  label: string;
  /** the saved value: shown unless the user is editing */
  value: string;
  error?: string | null;
  hint?: ReactNode;
  type?: 'text' | 'number';
  placeholder?: string;
  className?: string;
  /** onCommit saves a changed value (on Enter, or when the field loses the focus) and says whether the node took it. */
  onCommit(v: string): Promise<boolean>;
  /** onRevert is told that Escape put the saved value back (the error about the draft goes). */
  onRevert?(): void;
}

/**
 * TextField is one setting that applies when the user is done with it (Enter, or leaving the
 * field); Escape puts the saved value back. A refused value stays in the field with the reason
 * under it (aria-invalid, aria-describedby) until it is fixed.
 */
export function TextField({ id, label, value, error, hint, type = 'text', placeholder, className, onCommit, onRevert }: TextFieldProps) {
  // dirty: the field holds the user's draft, not (yet) the node's value, which it shows otherwise.
  const [draft, setDraft] = useState(value);
  const [dirty, setDirty] = useState(false);
  const sent = useRef<string | null>(null); // the value being or last committed, not to send it twice (Enter, then leaving)

  const commit = async () => {
    if (!dirty || draft === sent.current) return;
    sent.current = draft;
    if (await onCommit(draft)) {
      setDirty(false);
      sent.current = null;
    }
  };
  return (
    <div className={`settings-field ${className ?? ''}`}>
      <label htmlFor={id}>{label}</label>
      <input id={id} data-testid={id} type={type} value={dirty ? draft : value} placeholder={placeholder} step={type === 'number' ? 1 : undefined}
        aria-invalid={error ? true : undefined} aria-describedby={describedBy(!!hint && `${id}-hint`, !!error && `${id}-error`)}
        onChange={(e) => { setDraft(e.target.value); setDirty(true); sent.current = null; }}
        onBlur={() => void commit()}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            void commit();
          } else if (e.key === 'Escape' && dirty) {
            e.preventDefault();
            setDirty(false);
            sent.current = null;
            onRevert?.();
          }
        }} />
      {hint && <p id={`${id}-hint`} className="meta settings-hint">{hint}</p>}
      {error && <p id={`${id}-error`} data-testid={`${id}-error`} role="alert" className="error field-error">{error}</p>}
    </div>
  );
}

export interface CheckFieldProps {
  id: string;
  label: string;
  checked: boolean;
  disabled?: boolean;
  error?: string | null;
  hint?: ReactNode;
  onChange(v: boolean): void;
}

/** CheckField is an on/off setting that applies as soon as it is switched. */
export function CheckField({ id, label, checked, disabled, error, hint, onChange }: CheckFieldProps) {
  return (
    <div className="settings-field settings-check">
      <input id={id} data-testid={id} type="checkbox" checked={checked} disabled={disabled}
        aria-invalid={error ? true : undefined} aria-describedby={describedBy(!!hint && `${id}-hint`, !!error && `${id}-error`)}
        onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
      {hint && <p id={`${id}-hint`} className="meta settings-hint">{hint}</p>}
      {error && <p id={`${id}-error`} data-testid={`${id}-error`} role="alert" className="error field-error">{error}</p>}
    </div>
  );
}
