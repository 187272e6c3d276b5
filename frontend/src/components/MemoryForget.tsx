import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

/**
 * MemoryForget is "Forget everything" behind a confirmation: the confirmation takes the focus
 * (on Cancel, the safe choice), Escape cancels, and the focus returns to the button after.
 */
export function MemoryForget({ onForget }: { onForget(): Promise<void> }) {
  const [open, setOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const trigger = useRef<HTMLButtonElement>(null);
  const cancel = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);

  useEffect(() => {
    if (open) cancel.current?.focus();
    else if (wasOpen.current) trigger.current?.focus();
    wasOpen.current = open;
  }, [open]);

  const confirm = async () => {
    setBusy(true);
    setError(null);
    try {
      await onForget();
      setOpen(false);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setOpen(false);
    }
  };

  return (
    <div className="memory-forget">
      <button ref={trigger} data-testid="memory-forget" className="danger" aria-haspopup="dialog" aria-expanded={open}
        onClick={() => { setError(null); setOpen(true); }}>
        Forget everything…
      </button>
      {open && (
        <div role="alertdialog" aria-modal="false" aria-labelledby="forget-title" aria-describedby="forget-desc"
          className="card confirm" data-testid="memory-forget-dialog" onKeyDown={onKey}>
          <h3 id="forget-title">Forget every memory?</h3>
          <p id="forget-desc">
            Every memory on this computer — facts, events, rules — is deleted from its files. Reminders stay.
            This cannot be undone; export first to keep a copy.
          </p>
          {error && <p role="alert" className="error">{error}</p>}
          <div className="row">
            <button ref={cancel} data-testid="memory-forget-cancel" onClick={() => setOpen(false)}>Cancel</button>
            <button data-testid="memory-forget-confirm" className="danger" disabled={busy} onClick={() => void confirm()}>
              Forget everything
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
