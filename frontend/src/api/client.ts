// The one adapter between the interface and the node. In the desktop window the Go binding
// window.go.main.App.NodeURL() says where the node listens; in a browser the page was served by
// the node itself. Either way everything goes over the node's HTTP API.
import type { AriaChatOptions, AriaMemory } from './memory';
import { SSEParser, openEventStream } from './sse';
import type {
  AriaStats, ApiErrorBody, ChatMessage, IDAnswer, LedgerKind, LedgerList, LoadedModel, ModelFile, ModelsResponse, NameAnswer,
  NetworkInfo, Policy, PolicyResponse, Route, RouteAnswer, SamplingSettings, Status, Usage, VerifyResponse,
} from './types';

interface WailsWindow {
  go?: { main?: { App?: { NodeURL(): Promise<{ url: string; key: string }> } } };
}

export class ApiError extends Error {
  /** param names the request's field the node rejected ("text", "at"…), when it says. */
  constructor(public status: number, message: string, public code?: string | null, public param?: string | null) {
    super(message);
  }
}

export interface Endpoint {
  url: string;
  key: string;
}

/** keyStore is where the page keeps, for its tab, an API key it was opened with. */
export const keyStore = 'aria.apiKey';

/**
 * endpoint finds the node: the Wails binding when present, else this page's origin. A page
 * opened with its key in the URL (?key= or #key=) moves it out of the URL — history keeps the
 * address without it — and into the tab's sessionStorage, so that reloads still have it.
 */
export async function endpoint(win: Window & WailsWindow = window as Window & WailsWindow): Promise<Endpoint> {
  const fromURL = takeKeyFromURL(win);
  const bind = win.go?.main?.App;
  if (bind) return bind.NodeURL();
  let key = fromURL;
  try {
    if (key !== null) win.sessionStorage.setItem(keyStore, key);
    else key = win.sessionStorage.getItem(keyStore);
  } catch {
    // no storage (disabled): the key lasts as long as the page
  }
  return { url: win.location.origin, key: key ?? '' };
}

/** takeKeyFromURL returns the key in the page's URL, if any, and drops it from the URL. */
function takeKeyFromURL(win: Window): string | null {
  const u = new URL(win.location.href);
  const hash = new URLSearchParams(u.hash.slice(1));
  const key = u.searchParams.get('key') ?? hash.get('key');
  if (key === null) return null;
  if (u.searchParams.has('key')) u.searchParams.delete('key');
  if (hash.has('key')) {
    hash.delete('key');
    const h = hash.toString();
    u.hash = h ? `#${h}` : '';
  }
  try {
    win.history.replaceState(win.history.state, '', u.pathname + u.search + u.hash);
  } catch {
    // not a page with history (tests)
  }
  return key;
}

export interface StreamHandlers {
  onText(piece: string): void;
  onDone(r: { finish: string | null; usage: Usage | null; aria: ChatAria | null }): void;
}

/** ChatAria is a completion's "aria" object with, for a chat that opted in, its memory. */
export type ChatAria = AriaStats & { memory?: AriaMemory };

export class Client {
  /** the headers of the open event streams, which send the current key when they reconnect */
  private streams = new Set<Record<string, string>>();

  constructor(private ep: Endpoint, private f: typeof fetch = fetch.bind(globalThis)) {}

  get url(): string {
    return this.ep.url;
  }

  /**
   * setKey replaces the API key after the node regenerated it: the next requests and the event
   * streams' reconnections send it, and a browser tab keeps it for reloads.
   */
  setKey(key: string): void {
    this.ep = { ...this.ep, key };
    for (const h of this.streams) {
      if (key) h.Authorization = `Bearer ${key}`;
      else delete h.Authorization;
    }
    try {
      sessionStorage.setItem(keyStore, key);
    } catch {
      // no storage: the key lasts as long as the page
    }
  }

  private headers(json = false): HeadersInit {
    const h: Record<string, string> = {};
    if (this.ep.key) h.Authorization = `Bearer ${this.ep.key}`;
    if (json) h['Content-Type'] = 'application/json';
    return h;
  }

  private async request<T>(path: string, init: RequestInit = {}): Promise<T> {
    const r = await this.send(path, init);
    return (await r.json()) as T;
  }

  /**
   * send makes one request to the node with the key and returns its response, or throws the
   * node's error (an ApiError with the field it names). A body that is not a string is sent as
   * it is, with contentType (JSONL imports); JSON bodies are strings.
   */
  async send(path: string, init: RequestInit = {}, contentType?: string): Promise<Response> {
    const headers = this.headers(typeof init.body === 'string') as Record<string, string>;
    if (contentType) headers['Content-Type'] = contentType;
    const r = await this.f(this.ep.url + path, { ...init, headers });
    if (!r.ok) throw await toError(r);
    return r;
  }

  status(): Promise<Status> {
    return this.request('/api/status');
  }

  models(): Promise<ModelsResponse> {
    return this.request('/api/models');
  }

  download(id: string): Promise<IDAnswer> {
    return this.request('/api/models/download', { method: 'POST', body: JSON.stringify({ id }) });
  }

  cancelDownload(id: string): Promise<IDAnswer> {
    return this.request('/api/models/cancel', { method: 'POST', body: JSON.stringify({ id }) });
  }

  load(name: string): Promise<LoadedModel> {
    return this.request('/api/models/load', { method: 'POST', body: JSON.stringify({ name }) });
  }

  importFile(path: string): Promise<ModelFile> {
    return this.request('/api/models/import', { method: 'POST', body: JSON.stringify({ path }) });
  }

  demo(): Promise<ModelFile> {
    return this.request('/api/models/demo', { method: 'POST', body: '{}' });
  }

  remove(name: string): Promise<NameAnswer> {
    return this.request(`/api/models/${encodeURIComponent(name)}`, { method: 'DELETE' });
  }

  network(): Promise<NetworkInfo> {
    return this.request('/api/network');
  }

  setRoute(route: Route): Promise<RouteAnswer> {
    return this.request('/api/network', { method: 'PUT', body: JSON.stringify({ route }) });
  }

  policy(): Promise<PolicyResponse> {
    return this.request('/api/policy');
  }

  /** setPolicy saves the whole policy; a 400 names the bad field in its message. */
  setPolicy(p: Policy): Promise<PolicyResponse> {
    return this.request('/api/policy', { method: 'PUT', body: JSON.stringify(p) });
  }

  /** ledger lists entries newest first (at most limit, default 100), of one kind when given. */
  ledger(q: { limit?: number; kind?: LedgerKind } = {}): Promise<LedgerList> {
    const p = new URLSearchParams();
    if (q.limit) p.set('limit', String(q.limit));
    if (q.kind) p.set('kind', q.kind);
    const qs = p.toString();
    return this.request(`/api/ledger${qs ? `?${qs}` : ''}`);
  }

  verifyLedger(): Promise<VerifyResponse> {
    return this.request('/api/ledger/verify');
  }

  /**
   * chat streams an answer; abort the signal to stop (the node cancels the generation). With
   * aria the node saves the chat as that conversation and, with memory on, opts in to memory
   * (the answer's aria.memory says what was used and which reminders fired).
   */
  async chat(messages: ChatMessage[], s: SamplingSettings, h: StreamHandlers, signal?: AbortSignal,
    memory?: AriaChatOptions): Promise<void> {
    const body: Record<string, unknown> = {
      messages: s.system ? [{ role: 'system', content: s.system }, ...messages] : messages,
      temperature: s.temperature,
      top_p: s.top_p,
      max_tokens: s.max_tokens,
      stream: true,
      stream_options: { include_usage: true },
    };
    if (s.seed !== null) body.seed = s.seed;
    if (s.verify) body.verify = 'full';
    if (memory) body.aria = memory;
    const r = await this.f(this.ep.url + '/v1/chat/completions', {
      method: 'POST', headers: this.headers(true), body: JSON.stringify(body), signal,
    });
    if (!r.ok || !r.body) throw await toError(r);
    const parser = new SSEParser();
    const reader = r.body.getReader();
    let finish: string | null = null;
    let usage: Usage | null = null;
    let aria: ChatAria | null = null;
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      for (const ev of parser.push(value)) {
        if (ev.data === '[DONE]') {
          h.onDone({ finish, usage, aria });
          return;
        }
        const c = JSON.parse(ev.data);
        if (c.error) throw new ApiError(500, c.error.message, c.error.code);
        const choice = c.choices?.[0];
        if (choice?.delta?.content) h.onText(choice.delta.content);
        if (choice?.finish_reason) finish = choice.finish_reason;
        if (c.usage) usage = c.usage;
        if (c.aria) aria = { ...(aria ?? {}), ...c.aria } as ChatAria;
      }
    }
    h.onDone({ finish, usage, aria });
  }

  /**
   * events subscribes to the node's event stream (the given types) and returns the function
   * that ends the subscription. It reads the stream with fetch, sending the key in the
   * Authorization header (never in the URL), and reconnects like EventSource.
   */
  events(types: string[], on: (type: string, data: unknown) => void): () => void {
    const q = new URLSearchParams({ types: types.join(',') });
    const want = new Set(types);
    const headers = this.headers() as Record<string, string>;
    this.streams.add(headers);
    const stop = openEventStream(this.f, `${this.ep.url}/api/events?${q}`, {
      headers,
      onEvent: (ev) => {
        if (want.has(ev.event)) on(ev.event, JSON.parse(ev.data));
      },
      onError: (e, final) => {
        if (final) console.warn('aria: the event stream gave up:', e);
      },
    });
    return () => {
      this.streams.delete(headers);
      stop();
    };
  }
}

async function toError(r: Response): Promise<ApiError> {
  try {
    const b = (await r.json()) as ApiErrorBody;
    return new ApiError(r.status, b.error.message, b.error.code, b.error.param);
  } catch {
    return new ApiError(r.status, `${r.status} ${r.statusText}`);
  }
}
