import { fireEvent, render, screen } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { shortcuts } from '../shortcuts';
import { HelpSheet } from './HelpSheet';

function Host() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button data-testid="opener" onClick={() => setOpen(true)}>Shortcuts</button>
      {open && <HelpSheet onClose={() => setOpen(false)} />}
    </>
  );
}

describe('HelpSheet', () => {
  it('is a modal dialog listing every shortcut with its keys', () => {
    render(<HelpSheet onClose={() => undefined} />);
    const d = screen.getByRole('dialog', { name: 'Keyboard shortcuts' });
    expect(d.getAttribute('aria-modal')).toBe('true');
    for (const s of shortcuts) {
      const row = screen.getByTestId(`shortcut-${s.command}`);
      expect(row.textContent).toContain(s.label);
      for (const combo of s.keys) expect(row.textContent).toContain(combo.join('+'));
    }
    expect(screen.getByTestId('shortcut-new-chat').textContent).toContain('Ctrl+Shift+O');
  });

  it('takes the focus, keeps it inside on Tab and Shift+Tab, and gives it back on Escape', () => {
    render(<Host />);
    const opener = screen.getByTestId('opener');
    opener.focus();
    fireEvent.click(opener);
    const close = screen.getByTestId('help-close');
    expect(document.activeElement).toBe(close);
    // Close is the only control: the sheet takes Tab and Shift+Tab (false: default prevented) and keeps the focus on it.
    expect(fireEvent.keyDown(close, { key: 'Tab' })).toBe(false);
    expect(document.activeElement).toBe(close);
    expect(fireEvent.keyDown(close, { key: 'Tab', shiftKey: true })).toBe(false);
    expect(document.activeElement).toBe(close);
    // Focus that got out (the page's own Tab order) is brought back in.
    opener.focus();
    expect(fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Tab' })).toBe(false);
    expect(document.activeElement).toBe(close);
    fireEvent.keyDown(close, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(opener);
  });

  it('Close closes it too', () => {
    render(<Host />);
    fireEvent.click(screen.getByTestId('opener'));
    fireEvent.click(screen.getByTestId('help-close'));
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});
