import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { SettingsPageTray, trayBinding } from './SettingsPageTray';

describe('SettingsPageTray', () => {
  it('says that closing the window quits when no tray is there, with the reason', async () => {
    render(<SettingsPageTray binding={async () => ({ tray: 'unavailable', reason: 'no StatusNotifier host' })} />);
    await waitFor(() => expect(screen.getByTestId('settings-tray').textContent)
      .toBe("No tray shows ARIA's icon here (no StatusNotifier host): closing the window quits ARIA."));
  });

  it('says that the window hides to the tray when one is there', async () => {
    render(<SettingsPageTray binding={async () => ({ tray: 'available' })} />);
    await waitFor(() => expect(screen.getByTestId('settings-tray').textContent).toContain('closing the window keeps ARIA running there'));
  });

  it('says a browser has no tray, and finds the binding only in the desktop window', () => {
    render(<SettingsPageTray binding={undefined} />);
    expect(screen.getByTestId('settings-tray').textContent).toContain('runs in a browser');
    const f = async () => ({ tray: 'available' as const });
    expect(trayBinding({ go: { main: { App: { TrayStatus: f } } } })).toBe(f);
    expect(trayBinding({})).toBeUndefined();
  });
});
