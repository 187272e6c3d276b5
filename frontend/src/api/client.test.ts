import { describe, expect, it, vi } from 'vitest';
import { ApiError, Client, endpoint } from './client';
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
    await c.chat([{ role: 'user', content: 'hi' }], { ...defaultSettings, system: 'Be brief', seed: 3 }, { onText: (p) => (text += p), onDone: done });
    expect(text).toBe('Hello');
    expect(done).toHaveBeenCalledWith({ finish: 'stop', usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7 }, aria: { tokens_per_s: 12.5, mj_per_token: 80, energy_kind: 'estimated' } });
    const [url, init] = f.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('http://node/v1/chat/completions');
    expect((init.headers as Record<string, string>).Authorization).toBe('Bearer k1');
    const body = JSON.parse(init.body as string);
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Be brief' });
    expect(body).toMatchObject({ stream: true, seed: 3, stream_options: { include_usage: true } });
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
});
