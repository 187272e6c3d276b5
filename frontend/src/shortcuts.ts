// The app's keyboard shortcuts: one table that the key handler (App.tsx) and the help sheet
// (components/HelpSheet.tsx) both read, so the sheet lists exactly what works. Ctrl stands for
// ⌘ on macOS as well. None of them is a key a text field needs: '?' counts only outside fields.

export type Command = 'new-chat' | 'stop' | 'search' | 'settings' | 'help';

/** KeyLike is the part of a KeyboardEvent a shortcut looks at. */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  shiftKey: boolean;
  altKey: boolean;
  target: EventTarget | null;
}

export interface Shortcut {
  command: Command;
  /** keys as the help sheet shows them, one combination per entry */
  keys: string[][];
  /** what it does, for the help sheet */
  label: string;
  matches(e: KeyLike): boolean;
}

const ctrl = (e: KeyLike) => (e.ctrlKey || e.metaKey) && !e.altKey;

/** typing says whether e happens in a text field, where plain keys are text. */
export function typing(e: Pick<KeyLike, 'target'>): boolean {
  const t = e.target as HTMLElement | null;
  if (!t || typeof t.closest !== 'function') return false;
  if (t.isContentEditable) return true;
  const field = t.closest('textarea, select, input');
  if (!field) return false;
  const type = (field as HTMLInputElement).type;
  return !(field instanceof HTMLInputElement) || !['checkbox', 'radio', 'button', 'submit', 'reset', 'range'].includes(type);
}

export const shortcuts: Shortcut[] = [
  {
    command: 'new-chat', keys: [['Ctrl', 'Shift', 'O']], label: 'New chat',
    matches: (e) => ctrl(e) && e.shiftKey && e.key.toLowerCase() === 'o',
  },
  {
    command: 'stop', keys: [['Esc']], label: 'Stop the answer being written',
    matches: (e) => e.key === 'Escape' && !e.ctrlKey && !e.metaKey && !e.altKey && !e.shiftKey,
  },
  {
    command: 'search', keys: [['Ctrl', 'K']], label: "Search (the page's search box, else the chats)",
    matches: (e) => ctrl(e) && !e.shiftKey && e.key.toLowerCase() === 'k',
  },
  {
    command: 'settings', keys: [['Ctrl', ',']], label: 'Settings',
    matches: (e) => ctrl(e) && !e.shiftKey && e.key === ',',
  },
  {
    command: 'help', keys: [['F1'], ['?']], label: 'This list of shortcuts',
    matches: (e) => (e.key === 'F1' && !e.ctrlKey && !e.metaKey && !e.altKey)
      || (e.key === '?' && !e.ctrlKey && !e.metaKey && !e.altKey && !typing(e)),
  },
];

/** commandFor is the command a key press asks for, if any. */
export function commandFor(e: KeyLike): Command | null {
  return shortcuts.find((s) => s.matches(e))?.command ?? null;
}
