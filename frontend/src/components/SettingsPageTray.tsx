import { useEffect, useState } from 'react';

/** TrayStatus is what the desktop window's binding App.TrayStatus() answers (app_window.go). */
export interface TrayStatus {
  tray: 'available' | 'unavailable';
  reason?: string;
}

/** TrayBinding is the desktop window's Go binding; a browser has none. */
export type TrayBinding = (() => Promise<TrayStatus>) | undefined;

interface WailsTray {
  go?: { main?: { App?: { TrayStatus?: () => Promise<TrayStatus> } } };
}

/** trayBinding finds App.TrayStatus in the desktop window. */
export function trayBinding(w: unknown = typeof window === 'undefined' ? undefined : window): TrayBinding {
  return (w as WailsTray | undefined)?.go?.main?.App?.TrayStatus;
}

type Shown = { kind: 'browser' } | { kind: 'asking' } | { kind: 'known'; status: TrayStatus } | { kind: 'failed' };

/**
 * SettingsPageTray says whether closing the window keeps ARIA running in the tray, or quits it
 * because no tray shows ARIA's icon here (no StatusNotifier host), or that a browser has no tray.
 */
export function SettingsPageTray({ binding = trayBinding() }: { binding?: TrayBinding }) {
  const [shown, setShown] = useState<Shown>(binding ? { kind: 'asking' } : { kind: 'browser' });
  useEffect(() => {
    if (!binding) return;
    let live = true;
    binding().then((status) => live && setShown({ kind: 'known', status }), () => live && setShown({ kind: 'failed' }));
    return () => { live = false; };
  }, [binding]);

  let text: string;
  switch (shown.kind) {
    case 'browser':
      text = 'This page runs in a browser: the tray icon belongs to the desktop app.';
      break;
    case 'asking':
      text = 'Looking for the tray…';
      break;
    case 'failed':
      text = 'The window could not tell whether a tray is there.';
      break;
    case 'known':
      text = shown.status.tray === 'available'
        ? 'ARIA has an icon in the tray: closing the window keeps ARIA running there.'
        : `No tray shows ARIA's icon here${shown.status.reason ? ` (${shown.status.reason})` : ''}: closing the window quits ARIA.`;
      break;
  }
  return <p className="meta" data-testid="settings-tray" aria-live="polite">{text}</p>;
}
