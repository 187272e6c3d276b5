// The app's settings over the node's HTTP API: GET/PATCH /api/settings, the API key's
// regeneration, and the theme the interface follows.
import { useEffect } from 'react';
import type { Client } from './client';
import type { APIKeyAnswer, ApiListen, SettingsState, Theme, UpdateState } from './generated';

export type { AppSettings, ApiListen, Release, ServerState, SettingsState, Theme, UpdateState } from './generated';

/** SettingsPatch is a PATCH body: only the fields present change. */
export interface SettingsPatch {
  theme?: Theme;
  start_at_login?: boolean;
  update_check?: boolean;
  api?: Partial<ApiListen>;
  models_dir?: string;
  first_run_done?: boolean;
}

export const themes: { id: Theme; label: string }[] = [
  { id: 'system', label: 'Same as the system' }, { id: 'light', label: 'Light' }, { id: 'dark', label: 'Dark' },
];

export class SettingsApi {
  constructor(private c: Client) {}

  async get(): Promise<SettingsState> {
    return (await this.c.send('/api/settings')).json();
  }

  /** patch changes some settings; a refused value rejects with an ApiError whose param names it ("api.port"). */
  async patch(p: SettingsPatch): Promise<SettingsState> {
    return (await this.c.send('/api/settings', { method: 'PATCH', body: JSON.stringify(p) })).json();
  }

  /**
   * regenerateKey makes the node replace its API key; the old key stops working at once, so
   * this client switches to the new one before anything else is sent.
   */
  async regenerateKey(): Promise<string> {
    const r: APIKeyAnswer = await (await this.c.send('/api/settings/api-key/regenerate', { method: 'POST', body: '{}' })).json();
    this.c.setKey(r.key);
    return r.key;
  }

  /** events follows the settings and the update check as the node publishes them. */
  events(on: { settings(s: SettingsState): void; update(u: UpdateState): void }): () => void {
    return this.c.events(['settings', 'update'], (type, data) => {
      if (type === 'settings') on.settings(data as SettingsState);
      else on.update(data as UpdateState);
    });
  }
}

/** applyTheme puts the theme on the document, where the stylesheet reads it (data-theme). */
export function applyTheme(theme: Theme, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = theme;
}

/** useSettingsTheme keeps the document's theme the saved one, following changes from anywhere. */
export function useSettingsTheme(client: Client): void {
  useEffect(() => {
    const api = new SettingsApi(client);
    let live = true;
    api.get().then((s) => live && applyTheme(s.settings.theme), () => undefined);
    const stop = api.events({ settings: (s) => applyTheme(s.settings.theme), update: () => undefined });
    return () => {
      live = false;
      stop();
    };
  }, [client]);
}

/** isLoopback says whether an address keeps the API on this machine. */
export function isLoopback(address: string): boolean {
  const a = address.trim().toLowerCase();
  return a === 'localhost' || a === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a);
}
