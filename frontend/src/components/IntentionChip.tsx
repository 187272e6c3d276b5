import { useState, type KeyboardEvent } from 'react';

export interface IntentionChipProps {
  id: string;
  text: string;
  /** onDismiss marks the reminder done; it rejects with the node's message */
  onDismiss(id: string): Promise<void>;
}

/**
 * IntentionChip is a reminder that fired on an answer. It can be focused (Tab) and dismissed
 * with Delete or Backspace, or its ✕ button: the reminder is then done.
 */
export function IntentionChip({ id, text, onDismiss }: IntentionChipProps) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const dismiss = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await onDismiss(id);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
      setBusy(false);
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.target === e.currentTarget && (e.key === 'Delete' || e.key === 'Backspace')) {
      e.preventDefault();
      void dismiss();
    }
  };
  return (
    <li className="chip-item">
      <span className="chip" tabIndex={0} role="note" data-testid="reminder-chip" data-id={id}
        aria-label={`Reminder: ${text}`} aria-keyshortcuts="Delete Backspace" onKeyDown={onKey}>
        Reminder: {text}
        <button className="chip-dismiss" data-testid="reminder-dismiss" disabled={busy}
          aria-label={`Dismiss reminder: ${text}`} onClick={() => void dismiss()}>✕</button>
      </span>
      {error && <span role="alert" className="error"> {error}</span>}
    </li>
  );
}
