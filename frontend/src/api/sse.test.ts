import { afterEach, describe, expect, it, vi } from 'vitest';
import { HTTPStatusError, SSEParser, openEventStream } from './sse';

const stream = 'data: {"a":1}\n\nevent: metrics\ndata: {"b":"é"}\nid: 7\n\n: keep-alive\n\ndata: [DONE]\n\n';

describe('SSEParser', () => {
  it('parses whole events', () => {
    const ev = new SSEParser().push(stream);
    expect(ev).toEqual([
      { event: 'message', data: '{"a":1}', id: undefined },
      { event: 'metrics', data: '{"b":"é"}', id: '7' },
      { event: 'message', data: '[DONE]', id: undefined },
    ]);
  });

  it('gives the same events when the bytes arrive cut anywhere, even inside a character', () => {
    const bytes = new TextEncoder().encode(stream);
    const whole = new SSEParser().push(bytes);
    for (let size = 1; size <= 9; size++) {
      const p = new SSEParser();
      const got = [];
      for (let i = 0; i < bytes.length; i += size) got.push(...p.push(bytes.slice(i, i + size)));
      expect(got).toEqual(whole);
    }
  });

  it('joins multi-line data and accepts CRLF', () => {
    expect(new SSEParser().push('data: a\r\ndata: b\r\n\r\n')).toEqual([{ event: 'message', data: 'a\nb', id: undefined }]);
  });
});

describe('SSEParser, line by line', () => {
  const all = (p: SSEParser, chunks: string[]) => chunks.flatMap((c) => p.push(c));

  it('keeps a line cut anywhere, and a CRLF cut between its CR and LF', () => {
    const s = 'event: a\r\ndata: one\r\n\r\nevent: b\r\ndata: two\r\n\r\n';
    const whole = new SSEParser().push(s);
    expect(whole.map((e) => [e.event, e.data])).toEqual([['a', 'one'], ['b', 'two']]);
    for (let i = 1; i < s.length; i++) {
      for (let j = i + 1; j < s.length; j += 3) {
        expect(all(new SSEParser(), [s.slice(0, i), s.slice(i, j), s.slice(j)])).toEqual(whole);
      }
    }
  });

  it('joins multi-line data, skips comments, and accepts LF, CR and CRLF mixed', () => {
    const p = new SSEParser();
    expect(all(p, [': hello\n', 'data: a\n', 'data:b\r', 'data:  c\r\n', ': in between\n', 'data\n', '\r\n'])).toEqual([
      { event: 'message', data: 'a\nb\n c\n', id: undefined },
    ]);
    expect(p.push('data: x\n\r\ndata: y\r\r')).toEqual([
      { event: 'message', data: 'x', id: undefined }, { event: 'message', data: 'y', id: undefined },
    ]);
  });

  it('dispatches nothing for an event without data, resets the type, and reads retry', () => {
    const p = new SSEParser();
    expect(p.push('event: lonely\n\nretry: 2500\ndata: z\n\n')).toEqual([{ event: 'message', data: 'z', id: undefined }]);
    expect(p.retry).toBe(2500);
    expect(p.push('retry: soon\n\n')).toEqual([]);
    expect(p.retry).toBe(2500);
    expect(p.push('data: not yet')).toEqual([]);
  });
});

function streamOf(chunks: string[], end = true): Response {
  const enc = new TextEncoder();
  return new Response(new ReadableStream<Uint8Array>({
    start(c) {
      for (const s of chunks) c.enqueue(enc.encode(s));
      if (end) c.close();
    },
  }), { status: 200 });
}

describe('openEventStream', () => {
  afterEach(() => vi.useRealTimers());

  it('sends the headers, delivers events, reconnects with a growing delay, and stops when closed', async () => {
    vi.useFakeTimers();
    const got: string[] = [];
    const errors: unknown[] = [];
    let n = 0;
    const f = vi.fn(async (_u: string, _i?: RequestInit) => {
      n++;
      if (n === 2) throw new TypeError('network down');
      return streamOf([`event: tick\ndata: ${n}\n`, '\n']);
    });
    const close = openEventStream(f as unknown as typeof fetch, 'http://node/api/events?types=tick', {
      headers: { Authorization: 'Bearer k' }, onEvent: (e) => got.push(`${e.event}=${e.data}`), onError: (e) => errors.push(e), minDelay: 100, maxDelay: 1000,
    });
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toEqual(['tick=1']);
    const [url, init] = f.mock.calls[0];
    expect(url).toBe('http://node/api/events?types=tick');
    expect(init?.headers).toMatchObject({ Authorization: 'Bearer k', Accept: 'text/event-stream' });
    await vi.advanceTimersByTimeAsync(99);
    expect(f).toHaveBeenCalledTimes(1); // the stream ended: the first retry comes after 100 ms
    await vi.advanceTimersByTimeAsync(1);
    expect(f).toHaveBeenCalledTimes(2);
    expect(errors).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(199);
    expect(f).toHaveBeenCalledTimes(2); // after a failure the delay doubles
    await vi.advanceTimersByTimeAsync(1);
    expect(got).toEqual(['tick=1', 'tick=3']);
    close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(f).toHaveBeenCalledTimes(3);
  });

  it('aborts the request when closed', async () => {
    let signal: AbortSignal | undefined;
    const f = vi.fn(async (_u: string, i?: RequestInit) => {
      signal = i?.signal ?? undefined;
      return streamOf([': open\n\n'], false);
    });
    const close = openEventStream(f as unknown as typeof fetch, 'http://node/api/events', { onEvent: () => {} });
    await new Promise((r) => setTimeout(r, 0));
    expect(signal?.aborted).toBe(false);
    close();
    expect(signal?.aborted).toBe(true);
  });

  it('gives up on a wrong key (401) as EventSource does', async () => {
    vi.useFakeTimers();
    const errors: [unknown, boolean][] = [];
    const f = vi.fn(async () => new Response('{"error":{"message":"missing or wrong API key"}}', { status: 401 }));
    openEventStream(f as unknown as typeof fetch, 'http://node/api/events', { onEvent: () => {}, onError: (e, final) => errors.push([e, final]), minDelay: 10 });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(f).toHaveBeenCalledTimes(1);
    expect(errors).toHaveLength(1);
    expect(errors[0][0]).toBeInstanceOf(HTTPStatusError);
    expect(errors[0][1]).toBe(true);
  });
});
