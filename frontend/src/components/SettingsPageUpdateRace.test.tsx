import { describe, expect, it } from 'vitest';
import type { SettingsState } from '../api/settings';
import { laterUpdate } from './SettingsPage';

const base = (checked?: string, error?: string): SettingsState => ({
  settings: { theme: 'system', start_at_login: false, update_check: true, api: { address: '127.0.0.1', port: 8741 }, models_dir: '', first_run_done: true },
  data_dir: '/d', models_dir: '/d/models', pending: [],
  server: { url: 'http://127.0.0.1:8741', address: '127.0.0.1', port: 8741, loopback: true, auth_required: false, key: '', key_source: 'none' },
  autostart: { entry: '/a', exists: false },
  update: { enabled: true, feed: 'f', current: '0.1.0', checked, error },
});

describe('laterUpdate', () => {
  it("keeps a check's result that arrived before the answer of the change that started it", () => {
    const fromEvent = base('2026-12-08T01:00:00Z', 'bad signature');
    const answer = base(undefined);
    expect(laterUpdate(fromEvent, answer).update.error).toBe('bad signature');
    expect(laterUpdate(fromEvent, answer).settings).toBe(answer.settings);
  });

  it('takes the answer when it is as new or newer', () => {
    const shown = base('2026-12-08T01:00:00Z', 'old');
    const answer = base('2026-12-08T02:00:00Z');
    expect(laterUpdate(shown, answer)).toBe(answer);
    expect(laterUpdate(null, answer)).toBe(answer);
  });
});
