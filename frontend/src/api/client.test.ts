import { describe, expect, it, vi } from 'vitest';
import { ApiError, Client, endpoint, keyStore } from './client';
import { defaultSettings } from '../components/Settings';

function sseResponse(chunks: string[]): Response {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      for (const s of chunks) c.enqueue(enc.encode(s));
      c.close();
    },
  });
  return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
}

const chunk = (o: object) => `data: ${JSON.stringify(o)}\n\n`;

describe('Client', () => {
  it('streams a chat answer and reports usage and the energy label', async () => {
    const all = chunk({ choices: [{ delta: { role: 'assistant', content: 'Hel' } }] })
      + chunk({ choices: [{ delta: { content: 'lo' } }] })
      + chunk({ choices: [{ delta: {}, finish_reason: 'stop' }] })
      + chunk({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }, aria: { tokens_per_s: 12.5, mj_per_token: 80, energy_kind: 'estimated' } })
      + 'data: [DONE]\n\n';
    // Cut the stream at odd places to exercise the parser through fetch.
    const f = vi.fn(async () => sseResponse([all.slice(0, 17), all.slice(17, 90), all.slice(90)]));
    const c = new Client({ url: 'http://node', key: 'k1' }, f as unknown as typeof fetch);
    let text = '';
    const done = vi.fn();
    await c.chat([{ role: 'user', content: 'hi' }], { ...defaultSettings, system: 'Be brief', seed: 3, verify: true }, { onText: (p) => (text += p), onDone: done });
    expect(text).toBe('Hello');
    expect(done).toHaveBeenCalledWith({ finish: 'stop', usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }, aria: { tokens_per_s: 12.5, mj_per_token: 80, energy_kind: 'estimated' } });
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://node/v1/chat/completions');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer k1');
    const body = JSON.parse(init.body as string);
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Be brief' });
    expect(body).toMatchObject({ stream: true, seed: 3, verify: 'full', stream_options: { include_usage: true } });
  });

  it('turns an OpenAI error body into an ApiError', async () => {
    const f = vi.fn(async () => new Response(JSON.stringify({ error: { message: 'the node is busy', type: 'rate_limit_error', code: 'queue_full' } }), { status: 429 }));
    const c = new Client({ url: '', key: '' }, f as unknown as typeof fetch);
    const err = await c.status().catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 429, message: 'the node is busy', code: 'queue_full' });
  });

  it('asks the Wails binding for the node in the desktop window', async () => {
    const win = { go: { main: { App: { NodeURL: async () => ({ url: 'http://127.0.0.1:4321', key: '' }) } } }, location: window.location };
    expect(await endpoint(win as unknown as Window)).toEqual({ url: 'http://127.0.0.1:4321', key: '' });
    expect((await endpoint(window)).url).toBe(window.location.origin);
  });

  it('asks for the ledger by kind and sends the route and the policy as JSON', async () => {
    const f = vi.fn(async (_u: string, init?: RequestInit) => new Response(init?.body ?? '{"entries":[]}', { status: 200 }));
    const c = new Client({ url: 'http://node', key: 'k1' }, f as unknown as typeof fetch);
    await c.ledger({ limit: 50, kind: 'served' });
    await c.ledger();
    expect(await c.setRoute('pipeline')).toEqual({ route: 'pipeline' });
    const calls = f.mock.calls as unknown as [string, RequestInit][];
    expect(calls.map(([u, i]) => `${i.method ?? 'GET'} ${u}`)).toEqual([
      'GET http://node/api/ledger?limit=50&kind=served', 'GET http://node/api/ledger', 'PUT http://node/api/network',
    ]);
    expect((calls[2][1].headers as Record<string, string>)['Content-Type']).toBe('application/json');
  });

  it("turns the node's 400 for a bad policy into an ApiError with its message", async () => {
    const msg = 'hours: "25:00-07:00" is not a time of day HH:MM';
    const f = vi.fn(async () => new Response(JSON.stringify({ error: { message: msg, type: 'invalid_request_error' } }), { status: 400 }));
    const c = new Client({ url: '', key: '' }, f as unknown as typeof fetch);
    const p = { contribute: true, max_cpu_percent: 50, max_threads: 0, hours: '25:00-07:00', pause_on_battery: true, pause_on_metered: true, peer_requests_per_minute: 30, max_concurrent: 1 };
    const err = await c.setPolicy(p).catch((e) => e);
    expect(err).toMatchObject({ status: 400, message: msg });
    expect(JSON.parse((f.mock.calls[0] as unknown as [string, RequestInit])[1].body as string)).toEqual(p);
  });

  it('reads the event stream with the key in the Authorization header, never in the URL', async () => {
    const urls: string[] = [];
    let init: RequestInit | undefined;
    const f = vi.fn(async (u: string, i?: RequestInit) => {
      urls.push(u);
      init = i;
      return sseResponse([': aria events\n\n', 'id: 1\nevent: metrics\ndata: {"mj_per_token"', ':80}\n\nevent: peers\ndata: []\n\n']);
    });
    vi.stubGlobal('EventSource', vi.fn(() => { throw new Error('EventSource cannot send the key in a header'); }));
    try {
      const c = new Client({ url: 'http://node', key: 'secret-key-0123456789' }, f as unknown as typeof fetch);
      const got: [string, unknown][] = [];
      const stop = c.events(['metrics', 'download'], (t, d) => got.push([t, d]));
      await vi.waitFor(() => expect(got).toEqual([['metrics', { mj_per_token: 80 }]]));
      stop();
      expect(init?.signal?.aborted).toBe(true);
      expect(urls[0]).toBe('http://node/api/events?types=metrics%2Cdownload');
      expect(urls.join(' ')).not.toContain('secret-key');
      expect((init?.headers as Record<string, string>).Authorization).toBe('Bearer secret-key-0123456789');
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('sends no Authorization header on the event stream without a key', async () => {
    let init: RequestInit | undefined;
    const f = vi.fn(async (_u: string, i?: RequestInit) => { init = i; return sseResponse([]); });
    const stop = new Client({ url: 'http://node', key: '' }, f as unknown as typeof fetch).events(['node'], () => {});
    await vi.waitFor(() => expect(f).toHaveBeenCalled());
    stop();
    expect(init?.headers).not.toHaveProperty('Authorization');
  });

  it('moves a key out of the page URL into the tab\'s sessionStorage', async () => {
    const start = window.location.href;
    try {
      sessionStorage.clear();
      window.history.pushState(null, '', '/network?key=secret-key-0123456789&tab=2#top');
      expect(await endpoint(window)).toEqual({ url: window.location.origin, key: 'secret-key-0123456789' });
      expect(window.location.href).not.toContain('secret-key');
      expect(window.location.pathname + window.location.search + window.location.hash).toBe('/network?tab=2#top');
      expect(sessionStorage.getItem(keyStore)).toBe('secret-key-0123456789');
      // A reload (no key in the URL any more) still has it; so does a key given after #.
      expect((await endpoint(window)).key).toBe('secret-key-0123456789');
      window.history.replaceState(null, '', '/#key=other-key-0123456789');
      expect((await endpoint(window)).key).toBe('other-key-0123456789');
      expect(window.location.href).not.toContain('other-key');
    } finally {
      sessionStorage.clear();
      window.history.replaceState(null, '', start);
    }
  });
});
