// Fakes at the client's boundary for the page tests: the node's HTTP answers and its event
// stream, both through the real Client with a fake fetch.
import { Client } from './api/client';

export interface Answer {
  status?: number;
  body: unknown;
}

/** Handler answers one route; body is the request's parsed JSON body. */
export type Handler = (body: unknown, url: URL) => Answer;

export interface Call {
  method: string;
  path: string;
  body: unknown;
}

/** fakeNode serves "METHOD /path" routes to a real Client and records every call. */
export function fakeNode(routes: Record<string, Handler>) {
  const calls: Call[] = [];
  const f = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const method = init.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/api/events') return FakeEvents.connect(url, init); // not in calls
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, path: url.pathname + url.search, body });
    const h = routes[`${method} ${url.pathname}`];
    const a: Answer = h ? h(body, url) : { status: 404, body: { error: { message: `no ${method} ${url.pathname}`, type: 'invalid_request_error' } } };
    return new Response(JSON.stringify(a.body), { status: a.status ?? 200, headers: { 'Content-Type': 'application/json' } });
  };
  return { client: new Client({ url: 'http://node', key: '' }, f as typeof fetch), calls };
}

/** apiError is the body the node's jsonErr writes. */
export const apiError = (status: number, message: string): Answer => ({
  status, body: { error: { message, type: status >= 500 ? 'server_error' : 'invalid_request_error' } },
});

/** FakeEvents is the fake node's event stream: each open stream, and emit to send them events. */
export class FakeEvents {
  static open: { url: URL; headers: Record<string, string>; send(s: string): void }[] = [];

  static connect(url: URL, init: RequestInit): Response {
    const enc = new TextEncoder();
    let stream: (typeof FakeEvents.open)[number];
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        stream = { url, headers: { ...(init.headers as Record<string, string>) }, send: (s) => c.enqueue(enc.encode(s)) };
        FakeEvents.open.push(stream);
        init.signal?.addEventListener('abort', () => {
          FakeEvents.open = FakeEvents.open.filter((s) => s !== stream);
          c.error(new DOMException('aborted', 'AbortError'));
        });
        c.enqueue(enc.encode(': aria events\n\n'));
      },
    });
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  }

  /**
   * emit sends an event, as the node would, to every open stream that asked for its type,
   * and resolves once the client has had time to read it.
   */
  static async emit(type: string, data: unknown): Promise<void> {
    for (const s of FakeEvents.open) {
      const types = s.url.searchParams.get('types')?.split(',') ?? [];
      if (types.includes(type)) s.send(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
    }
    await new Promise((r) => setTimeout(r, 0));
  }

  static reset() {
    FakeEvents.open = [];
  }
}
