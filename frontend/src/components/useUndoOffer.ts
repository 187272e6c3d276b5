import { useEffect, type RefObject } from 'react';

/**
 * useUndoOffer runs an Undo offer after a delete: while offered (something was deleted), the
 * focus goes to the Undo button; after ms the offer ends (expire), and the focus, if it was
 * still on Undo, moves to then (the list's heading), so it is never left on a vanished button.
 */
export function useUndoOffer(offered: unknown, ms: number, undo: RefObject<HTMLElement>, then: RefObject<HTMLElement>, expire: () => void): void {
  useEffect(() => {
    if (!offered) return;
    undo.current?.focus();
    const t = setTimeout(() => {
      const had = document.activeElement === undo.current;
      expire();
      if (had) then.current?.focus();
    }, ms);
    return () => clearTimeout(t);
    // expire is a fresh closure on every render; the offer restarts only when what was deleted changes.
  }, [offered, ms]);
}
