// Server-sent events over fetch. The parser follows the WHATWG event-stream format and accepts
// the stream cut at any byte: it keeps an incomplete line (and an incomplete UTF-8 sequence)
// for the next chunk. openEventStream reads a stream the way EventSource does — reconnecting
// with a growing delay — but with fetch, so that the API key travels in the Authorization
// header and never in the URL.

export interface SSEEvent {
  event: string;
  data: string;
  id?: string;
}

export class SSEParser {
  private buf = '';
  private decoder = new TextDecoder();
  private cr = false; // the last chunk ended with CR: a LF first in the next one belongs to it
  private event = '';
  private data: string[] = [];
  private id: string | undefined;
  /** retry is the reconnection delay (ms) the stream last asked for, if any. */
  retry: number | undefined;

  /** push feeds bytes (or text) and returns the events completed by them. */
  push(chunk: Uint8Array | string): SSEEvent[] {
    let text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    if (this.cr && text.startsWith('\n')) text = text.slice(1);
    if (text !== '') this.cr = text.endsWith('\r');
    this.buf += text;
    const out: SSEEvent[] = [];
    let start = 0;
    const re = /\r\n|\n|\r/g;
    for (let m = re.exec(this.buf); m; m = re.exec(this.buf)) {
      // A CR at the very end may be the first half of a CRLF: the line ends there either way.
      const ev = this.line(this.buf.slice(start, m.index));
      if (ev) out.push(ev);
      start = m.index + m[0].length;
    }
    this.buf = this.buf.slice(start);
    return out;
  }

  private line(line: string): SSEEvent | null {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return null; // a comment (keep-alive)
    const i = line.indexOf(':');
    const field = i < 0 ? line : line.slice(0, i);
    let value = i < 0 ? '' : line.slice(i + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.event = value;
    else if (field === 'id' && !value.includes('\0')) this.id = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retry = Number(value);
    return null;
  }

  private dispatch(): SSEEvent | null {
    const ev = this.data.length === 0 ? null : { event: this.event || 'message', data: this.data.join('\n'), id: this.id };
    this.event = '';
    this.data = [];
    this.id = undefined;
    return ev;
  }
}

export interface EventStreamOptions {
  /** headers for every connection, e.g. Authorization. */
  headers?: Record<string, string>;
  onEvent(ev: SSEEvent): void;
  /** onOpen is told of each connection that answered 200. */
  onOpen?(): void;
  /** onError is told of each failed connection, and of a failed event handler. */
  onError?(err: unknown, final: boolean): void;
  /** delays before reconnecting: from minDelay (or the stream's retry:), doubling up to maxDelay. */
  minDelay?: number;
  maxDelay?: number;
}

/** HTTPStatusError is a connection that the server answered with another status than 200. */
export class HTTPStatusError extends Error {
  constructor(public status: number, public response: Response) {
    super(`the event stream answered ${status}`);
  }
}

/**
 * openEventStream reads the event stream at url with f until the returned function is called
 * (which aborts the request). Like EventSource it reconnects when the connection fails or
 * ends, and gives up on a client error (4xx but 408 and 429), e.g. a wrong key.
 */
export function openEventStream(f: typeof fetch, url: string, o: EventStreamOptions): () => void {
  const ctl = new AbortController();
  const signal = ctl.signal;
  const maxDelay = o.maxDelay ?? 30_000;
  let retry = o.minDelay ?? 1_000;
  const run = async () => {
    let delay = retry;
    while (!signal.aborted) {
      try {
        const r = await f(url, { headers: { Accept: 'text/event-stream', ...o.headers }, cache: 'no-store', signal });
        if (r.status !== 200 || !r.body) {
          const final = r.status >= 400 && r.status < 500 && r.status !== 408 && r.status !== 429;
          o.onError?.(new HTTPStatusError(r.status, r), final);
          if (final) return;
        } else {
          o.onOpen?.();
          delay = retry;
          const parser = new SSEParser();
          const reader = r.body.getReader();
          try {
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              for (const ev of parser.push(value)) {
                try {
                  o.onEvent(ev);
                } catch (e) {
                  o.onError?.(e, false);
                }
              }
              if (parser.retry !== undefined) delay = retry = parser.retry;
            }
          } finally {
            reader.releaseLock();
          }
        }
      } catch (e) {
        if (signal.aborted) return;
        o.onError?.(e, false);
      }
      await sleep(delay, signal);
      delay = Math.min(delay * 2, maxDelay);
    }
  };
  void run();
  return () => ctl.abort();
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });
}
