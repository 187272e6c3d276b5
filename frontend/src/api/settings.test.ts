import { act, renderHook } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FakeEvents, fakeNode } from '../test-fakes';
import { Client } from './client';
import { SettingsApi, isLoopback, useSettingsTheme } from './settings';

beforeEach(() => FakeEvents.reset());
afterEach(() => delete document.documentElement.dataset.theme);

describe('settings api', () => {
  it('after a regenerated key, requests and reconnecting event streams send the new key', async () => {
    const events: (string | null)[] = [];
    const requests: (string | null)[] = [];
    const auth = (init?: RequestInit) => (init?.headers as Record<string, string> | undefined)?.Authorization ?? null;
    const f = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = new URL(String(input));
      if (url.pathname === '/api/events') {
        events.push(auth(init));
        return new Response('', { status: 200, headers: { 'Content-Type': 'text/event-stream' } }); // ends at once: it reconnects
      }
      requests.push(auth(init));
      return new Response(JSON.stringify({ key: 'aria-new-key-9876543210' }), { status: 200 });
    };
    const client = new Client({ url: 'http://node', key: 'aria-old-key-0123456789' }, f as typeof fetch);
    const stop = client.events(['settings'], () => undefined);
    await new Promise((r) => setTimeout(r, 50));
    expect(events).toEqual(['Bearer aria-old-key-0123456789']);

    const key = await new SettingsApi(client).regenerateKey();
    expect(key).toBe('aria-new-key-9876543210');
    expect(requests).toEqual(['Bearer aria-old-key-0123456789']); // the regeneration itself, with the old key
    await client.status().catch(() => undefined);
    expect(requests.at(-1)).toBe('Bearer aria-new-key-9876543210');
    expect(sessionStorage.getItem('aria.apiKey')).toBe('aria-new-key-9876543210');

    await new Promise((r) => setTimeout(r, 1300)); // the stream's reconnection delay
    expect(events.length).toBeGreaterThan(1);
    expect(events.at(-1)).toBe('Bearer aria-new-key-9876543210');
    stop();
  });

  it('puts the saved theme on the document and follows changes', async () => {
    const { client } = fakeNode({
      'GET /api/settings': () => ({ body: { settings: { theme: 'light' } } }),
    });
    const { unmount } = renderHook(() => useSettingsTheme(client));
    await act(() => new Promise((r) => setTimeout(r, 20)));
    expect(document.documentElement.dataset.theme).toBe('light');
    await act(() => FakeEvents.emit('settings', { settings: { theme: 'dark' } }));
    expect(document.documentElement.dataset.theme).toBe('dark');
    unmount();
    expect(FakeEvents.open).toHaveLength(0);
  });

  it('tells loopback addresses', () => {
    for (const a of ['127.0.0.1', '127.1.2.3', '::1', 'localhost', ' LOCALHOST ']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['0.0.0.0', '::', '192.168.1.4', '10.0.0.1', '', '127.0.0.1.example.com']) expect(isLoopback(a), a).toBe(false);
  });
});
