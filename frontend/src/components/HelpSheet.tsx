import { useEffect, useRef, type KeyboardEvent } from 'react';
import { shortcuts } from '../shortcuts';
import '../styles/shell.css';

const focusable = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * HelpSheet lists the keyboard shortcuts in a modal dialog: focus moves into it and stays there
 * (Tab wraps around), Escape or Close ends it and focus goes back where it was.
 */
export function HelpSheet({ onClose }: { onClose(): void }) {
  const box = useRef<HTMLDivElement>(null);
  // Where the focus was, read while rendering: before the app behind turns inert (which drops it).
  const back = useRef(document.activeElement instanceof HTMLElement ? document.activeElement : null);
  useEffect(() => {
    const to = back.current;
    box.current?.querySelector<HTMLElement>('[data-autofocus]')?.focus();
    return () => to?.focus();
  }, []);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      onClose();
      return;
    }
    if (e.key !== 'Tab' || !box.current) return;
    const items = Array.from(box.current.querySelectorAll<HTMLElement>(focusable));
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    const at = document.activeElement;
    if (e.shiftKey && (at === first || !box.current.contains(at))) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && (at === last || !box.current.contains(at))) {
      e.preventDefault();
      first.focus();
    }
  };

  return (
    <div className="backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div ref={box} role="dialog" aria-modal="true" aria-labelledby="help-title" className="dialog" data-testid="help-sheet" onKeyDown={onKeyDown}>
        <h2 id="help-title">Keyboard shortcuts</h2>
        <table className="table shortcuts">
          <thead>
            <tr><th scope="col">Keys</th><th scope="col">Does</th></tr>
          </thead>
          <tbody>
            {shortcuts.map((s) => (
              <tr key={s.command} data-testid={`shortcut-${s.command}`}>
                <td>
                  {s.keys.map((combo, i) => (
                    <span key={combo.join('+')}>
                      {i > 0 && ' or '}
                      <kbd>{combo.map((k, j) => <span key={k}>{j > 0 && '+'}{k}</span>)}</kbd>
                    </span>
                  ))}
                </td>
                <td>{s.label}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="meta">Ctrl is ⌘ on macOS. Tab and Shift+Tab move between controls, Enter or Space use them; in the chat
          box Enter sends and Shift+Enter starts a new line.</p>
        <div className="dialog-actions">
          <button data-autofocus data-testid="help-close" onClick={onClose}>Close</button>
        </div>
      </div>
    </div>
  );
}
