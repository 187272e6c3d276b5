// Fakes at the client's boundary for the page tests: the node's HTTP answers (through the real
// Client with a fake fetch) and the browser's EventSource (jsdom has none).
import { vi } from 'vitest';
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

type Listener = (e: MessageEvent) => void;

export class FakeEventSource {
  static open: FakeEventSource[] = [];
  private listeners = new Map<string, Listener[]>();
  constructor(public url: string) {
    FakeEventSource.open.push(this);
  }
  addEventListener(type: string, fn: Listener) {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), fn]);
  }
  close() {
    FakeEventSource.open = FakeEventSource.open.filter((s) => s !== this);
  }
  /** emit delivers an event, as the node would send it, to every open stream that listens for it. */
  static emit(type: string, data: unknown) {
    for (const s of FakeEventSource.open) {
      const types = new URL(s.url).searchParams.get('types')?.split(',') ?? [];
      if (!types.includes(type)) continue;
      for (const fn of s.listeners.get(type) ?? []) fn(new MessageEvent(type, { data: JSON.stringify(data) }));
    }
  }
}

/** stubEventSource installs FakeEventSource; undo with vi.unstubAllGlobals(). */
export function stubEventSource() {
  FakeEventSource.open = [];
  vi.stubGlobal('EventSource', FakeEventSource);
}
