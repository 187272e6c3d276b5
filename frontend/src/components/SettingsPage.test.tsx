import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client } from '../api/client';
import type { Policy, PolicyResponse, SettingsState } from '../api/generated';
import { FakeEvents } from '../test-fakes';
import { SettingsPage } from './SettingsPage';

const policy: Policy = {
  contribute: false, max_cpu_percent: 50, max_threads: 0, hours: '', pause_on_battery: true, pause_on_metered: true,
  peer_requests_per_minute: 30, max_concurrent: 1,
};

function state(): SettingsState {
  return {
    settings: { theme: 'system', start_at_login: false, update_check: false, api: { address: '127.0.0.1', port: 8741 }, models_dir: '', first_run_done: true },
    data_dir: '/home/ann/.local/share/aria', models_dir: '/home/ann/.local/share/aria/models', pending: [],
    server: { url: 'http://127.0.0.1:8741', address: '127.0.0.1', port: 8741, loopback: true, auth_required: false, key: 'aria-old-key-0123456789', key_source: 'file' },
    autostart: { entry: '/home/ann/.config/autostart/aria.desktop', exists: false },
    update: { enabled: false, feed: 'https://example.org/feed.json', current: '0.1.0' },
  };
}

interface Call { method: string; path: string; body: unknown; auth: string | null }

const err = (status: number, message: string, param: string | null) => ({ status, body: { error: { message, type: 'invalid_request_error', param, code: null } } });

/**
 * node is a fake node that judges values as backend/settings and backend/policy do for the
 * fields the tests touch, keeps what it accepts, and records each call with its key.
 */
function node(start: SettingsState = state()) {
  let s = start;
  let p: PolicyResponse = { policy, status: { contributing: false, reason: 'off', active: 0 } };
  let key = s.server.key;
  const calls: Call[] = [];
  const f = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    if (url.pathname === '/api/events') return FakeEvents.connect(url, init);
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    const auth = (init.headers as Record<string, string> | undefined)?.Authorization ?? null;
    calls.push({ method, path: url.pathname, body, auth });
    let a: { status?: number; body: unknown };
    switch (`${method} ${url.pathname}`) {
      case 'GET /api/settings': a = { body: s }; break;
      case 'PATCH /api/settings': {
        const b = body as Partial<SettingsState['settings']> & { api?: Partial<SettingsState['settings']['api']> };
        const next = { ...s.settings, ...b, api: { ...s.settings.api, ...(b.api ?? {}) } };
        if (next.api.port < 0 || next.api.port > 65535) a = err(400, `api.port: ${next.api.port} is not a port between 1 and 65535 (0: any free port)`, 'api.port');
        else if (next.models_dir && !next.models_dir.startsWith('/')) a = err(400, `models_dir: "${next.models_dir}" is not an absolute path`, 'models_dir');
        else if (b.start_at_login && s.autostart.entry.includes('readonly')) a = err(400, 'start_at_login: autostart: permission denied', 'start_at_login');
        else {
          s = { ...s, settings: next, autostart: { ...s.autostart, exists: next.start_at_login } };
          if (b.models_dir !== undefined) s = { ...s, pending: ['models_dir'] };
          a = { body: s };
        }
        break;
      }
      case 'POST /api/settings/api-key/regenerate':
        key = 'aria-new-key-9876543210';
        s = { ...s, server: { ...s.server, key } };
        a = { body: { key } };
        break;
      case 'GET /api/policy': a = { body: p }; break;
      case 'PUT /api/policy': {
        const np = body as Policy;
        if (np.max_cpu_percent < 1 || np.max_cpu_percent > 100) a = err(400, `max_cpu_percent: ${np.max_cpu_percent} is not between 1 and 100`, 'max_cpu_percent');
        else if (np.hours === '25:00-07:00') a = err(400, 'hours: "25:00" is not a time of day HH:MM', 'hours');
        else {
          p = { policy: np, status: p.status };
          a = { body: p };
        }
        break;
      }
      default: a = { status: 404, body: { error: { message: 'no such endpoint', type: 'not_found_error' } } };
    }
    return new Response(JSON.stringify(a.body), { status: a.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { client: new Client({ url: 'http://node', key: s.server.key }, f as typeof fetch), calls, current: () => s };
}

const input = (id: string) => screen.getByTestId(id) as HTMLInputElement;

/** enter types a value and presses Enter, as a user finishes a field. */
async function enter(id: string, value: string) {
  fireEvent.change(input(id), { target: { value } });
  await act(async () => fireEvent.keyDown(input(id), { key: 'Enter' }));
}

/** describedError is the text of the error the field points at, if it is marked invalid. */
function describedError(el: HTMLElement): string | null {
  if (el.getAttribute('aria-invalid') !== 'true') return null;
  const ids = (el.getAttribute('aria-describedby') ?? '').split(' ').filter((i) => i.endsWith('-error'));
  return ids.length === 1 ? document.getElementById(ids[0])?.textContent ?? null : null;
}

beforeEach(() => FakeEvents.reset());
afterEach(() => delete document.documentElement.dataset.theme);

describe('SettingsPage', () => {
  it('refuses an invalid policy value beside its field, then takes a valid one', async () => {
    const { client, calls } = node();
    render(<SettingsPage client={client} />);
    await screen.findByTestId('settings-page');
    await enter('policy-max_cpu_percent', '200');
    expect(calls.at(-1)).toMatchObject({ method: 'PUT', path: '/api/policy', body: { ...policy, max_cpu_percent: 200 } });
    const cpu = input('policy-max_cpu_percent');
    expect(describedError(cpu)).toBe('200 is not between 1 and 100');
    expect(cpu.value).toBe('200'); // the refused value stays for the user to fix
    expect(input('policy-max_threads').getAttribute('aria-invalid')).toBeNull();

    fireEvent.blur(cpu); // leaving the field does not send the same refused value again
    expect(calls.filter((c) => c.method === 'PUT')).toHaveLength(1);

    await enter('policy-max_cpu_percent', '30');
    expect(calls.at(-1)?.body).toEqual({ ...policy, max_cpu_percent: 30 });
    expect(describedError(input('policy-max_cpu_percent'))).toBeNull();
    expect(input('policy-max_cpu_percent').value).toBe('30');
  });

  it('says why a value that is not a number is refused, without asking the node', async () => {
    const { client, calls } = node();
    render(<SettingsPage client={client} />);
    await screen.findByTestId('settings-page');
    const before = calls.length;
    await enter('policy-max_concurrent', '2.5');
    expect(calls.length).toBe(before);
    expect(describedError(input('policy-max_concurrent'))).toBe('"2.5" is not a whole number');
    // Escape puts the saved value back and the reason goes.
    await act(async () => fireEvent.keyDown(input('policy-max_concurrent'), { key: 'Escape' }));
    expect(input('policy-max_concurrent').value).toBe('1');
    expect(describedError(input('policy-max_concurrent'))).toBeNull();
  });

  it('applies hours and the pauses at once', async () => {
    const { client, calls } = node();
    render(<SettingsPage client={client} />);
    await screen.findByTestId('settings-page');
    await enter('policy-hours', '25:00-07:00');
    expect(describedError(input('policy-hours'))).toBe('"25:00" is not a time of day HH:MM');
    await enter('policy-hours', '22:00-07:00');
    expect(calls.at(-1)?.body).toMatchObject({ hours: '22:00-07:00' });
    await act(async () => fireEvent.click(input('policy-pause_on_metered')));
    expect(calls.at(-1)?.body).toEqual({ ...policy, hours: '22:00-07:00', pause_on_metered: false });
    expect(input('policy-pause_on_metered').checked).toBe(false);
  });

  it('sets the theme on the document and saves it; follows a change made elsewhere', async () => {
    const { client, calls } = node();
    render(<SettingsPage client={client} />);
    const select = await screen.findByTestId('settings-theme') as HTMLSelectElement;
    await act(async () => fireEvent.change(select, { target: { value: 'dark' } }));
    expect(calls.at(-1)).toMatchObject({ method: 'PATCH', path: '/api/settings', body: { theme: 'dark' } });
    expect(document.documentElement.dataset.theme).toBe('dark');
    expect(select.value).toBe('dark');

    const s = state();
    await act(() => FakeEvents.emit('settings', { ...s, settings: { ...s.settings, theme: 'light', start_at_login: true } }));
    expect(select.value).toBe('light');
    expect(input('settings-start_at_login').checked).toBe(true);
  });

  it('turns start at login on and off, and shows why it could not', async () => {
    const { client, calls } = node();
    render(<SettingsPage client={client} />);
    await screen.findByTestId('settings-page');
    expect(input('settings-start_at_login').checked).toBe(false);
    await act(async () => fireEvent.click(input('settings-start_at_login')));
    expect(calls.at(-1)).toMatchObject({ method: 'PATCH', body: { start_at_login: true } });
    expect(input('settings-start_at_login').checked).toBe(true);
    await act(async () => fireEvent.click(input('settings-start_at_login')));
    expect(calls.at(-1)?.body).toEqual({ start_at_login: false });
    expect(input('settings-start_at_login').checked).toBe(false);
  });

  it('shows why start at login could not be turned on', async () => {
    const s = state();
    const { client } = node({ ...s, autostart: { entry: '/readonly/autostart/aria.desktop', exists: false } });
    render(<SettingsPage client={client} />);
    const box = await screen.findByTestId('settings-start_at_login');
    await act(async () => fireEvent.click(box));
    expect(describedError(box)).toBe('autostart: permission denied');
    expect((box as HTMLInputElement).checked).toBe(false);
  });

  it('masks the key until revealed; regenerating switches this window to the new key', async () => {
    const { client, calls } = node();
    render(<SettingsPage client={client} />);
    expect((await screen.findByTestId('api-key')).textContent).toBe(`${'•'.repeat(24)}hidden`);
    const reveal = screen.getByTestId('api-key-reveal');
    expect(reveal.getAttribute('aria-pressed')).toBe('false');
    fireEvent.click(reveal);
    expect(reveal.getAttribute('aria-pressed')).toBe('true');
    expect(screen.getByTestId('api-key').textContent).toBe('aria-old-key-0123456789');

    await act(async () => fireEvent.click(screen.getByTestId('api-key-regenerate')));
    const regen = calls.find((c) => c.path === '/api/settings/api-key/regenerate')!;
    expect(regen.auth).toBe('Bearer aria-old-key-0123456789');
    expect(screen.getByTestId('api-key').textContent).toBe('aria-new-key-9876543210');
    expect(screen.getByTestId('api-status').textContent).toContain('the old one no longer works');

    await act(async () => fireEvent.click(input('settings-update_check')));
    expect(calls.at(-1)?.auth).toBe('Bearer aria-new-key-9876543210');
    expect(sessionStorage.getItem('aria.apiKey')).toBe('aria-new-key-9876543210');
  });

  it('asks before an address that leaves this computer, and refuses a bad port beside it', async () => {
    const { client, calls } = node();
    render(<SettingsPage client={client} />);
    await screen.findByTestId('settings-page');
    fireEvent.change(input('api-port'), { target: { value: '70000' } });
    await act(async () => fireEvent.click(screen.getByTestId('api-save')));
    expect(describedError(input('api-port'))).toBe('70000 is not a port between 1 and 65535 (0: any free port)');

    fireEvent.change(input('api-port'), { target: { value: '8741' } });
    fireEvent.change(input('api-address'), { target: { value: '0.0.0.0' } });
    const patches = () => calls.filter((c) => c.method === 'PATCH').length;
    const before = patches();
    await act(async () => fireEvent.click(screen.getByTestId('api-save')));
    const dialog = screen.getByRole('alertdialog', { name: 'Make the API reachable from other computers?' });
    expect(patches()).toBe(before); // nothing saved yet
    expect(document.activeElement).toBe(within(dialog).getByTestId('api-confirm-no'));
    await act(async () => fireEvent.click(within(dialog).getByTestId('api-confirm-no')));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(patches()).toBe(before);

    await act(async () => fireEvent.click(screen.getByTestId('api-save')));
    await act(async () => fireEvent.click(screen.getByTestId('api-confirm-yes')));
    expect(calls.at(-1)).toMatchObject({ method: 'PATCH', body: { api: { address: '0.0.0.0', port: 8741 } } });
    expect(describedError(input('api-port'))).toBeNull();

    // Back to loopback needs no confirmation.
    fireEvent.change(input('api-address'), { target: { value: '127.0.0.1' } });
    await act(async () => fireEvent.click(screen.getByTestId('api-save')));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(calls.at(-1)?.body).toEqual({ api: { address: '127.0.0.1', port: 8741 } });
  });

  it('shows a refused models folder beside it, and says a new one applies at the next start', async () => {
    const { client } = node();
    render(<SettingsPage client={client} />);
    await screen.findByTestId('settings-page');
    await enter('settings-models_dir', 'models');
    expect(describedError(input('settings-models_dir'))).toBe('"models" is not an absolute path');
    expect(screen.queryByTestId('models-pending')).toBeNull();
    await enter('settings-models_dir', '/data/models');
    expect(describedError(input('settings-models_dir'))).toBeNull();
    expect(screen.getByTestId('models-pending').textContent).toContain('next start');
  });

  it('shows a release notice with its notes as text, and runs the first-run guide again', async () => {
    const s = state();
    const { client, calls } = node({ ...s, settings: { ...s.settings, update_check: true }, update: { ...s.update, enabled: true } });
    render(<SettingsPage client={client} />);
    expect((await screen.findByTestId('update-none')).textContent).toContain('Not checked yet');
    await act(() => FakeEvents.emit('update', {
      enabled: true, feed: s.update.feed, current: '0.1.0', checked: '2026-05-02T09:00:00Z',
      release: { version: '0.2.0', notes: 'Faster.\n<img src=x onerror=alert(1)>', url: 'https://example.org/r/0.2.0', published: '2026-05-01T12:00:00Z' },
    }));
    const notice = screen.getByTestId('update-notice');
    expect(within(notice).getByRole('heading').textContent).toBe('ARIA 0.2.0 is available');
    expect(screen.getByTestId('update-notes').textContent).toBe('Faster.\n<img src=x onerror=alert(1)>');
    expect(notice.querySelector('img')).toBeNull();
    expect(screen.getByTestId('update-link').getAttribute('href')).toBe('https://example.org/r/0.2.0');

    await act(async () => fireEvent.click(screen.getByTestId('settings-first-run')));
    expect(calls.at(-1)).toMatchObject({ method: 'PATCH', body: { first_run_done: false } });
    expect(screen.getByTestId('settings-status').textContent).toContain('welcome guide');
  });
});
