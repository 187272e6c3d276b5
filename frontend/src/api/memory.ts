// The node's memory and intentions API (issue 14), as the interface uses it. The Go side will
// generate these types into ./generated.ts later; until then they are written here, field for
// field as the issue names the JSON.
import type { Client } from './client';
import type { MemoryReembedEvent, MemoryStatus } from './types';

export type MemoryKind = 'semantic' | 'episodic' | 'procedural';
export const memoryKinds: MemoryKind[] = ['semantic', 'episodic', 'procedural'];

/** MemoryItem is one stored memory (times are RFC 3339). */
export interface MemoryItem {
  id: string;
  kind: MemoryKind;
  text: string;
  /** "user", "turn:<conversation>/<n>" or "consolidation" */
  source: string;
  created: string;
  updated: string;
  last_used?: string;
  /** 0..1 */
  importance: number;
  pinned: boolean;
  never_recall: boolean;
  valid_from: string;
  /** set: a superseded fact, closed at this time */
  valid_to?: string;
  conversation?: string;
}

/** MemoryWhy is why a memory was recalled: each arm's score and its ranks in the fusion. */
export interface MemoryWhy {
  bm25: number;
  trigram: number;
  vector: number;
  recency: number;
  importance: number;
  kind: number;
  ranks?: Record<string, number>;
}

/** MemoryHit is one search result, best first. */
export interface MemoryHit {
  id: string;
  kind: MemoryKind;
  text: string;
  score: number;
  why: MemoryWhy;
}

export interface NewMemory {
  text: string;
  kind: MemoryKind;
  pinned: boolean;
  /** 0..1; the node's default when absent */
  importance?: number;
  /** a procedural rule for one chat */
  conversation?: string;
}

export type MemoryPatch = Partial<Pick<MemoryItem, 'text' | 'pinned' | 'never_recall' | 'kind' | 'importance'>>;

export interface MemoryQuery {
  kind?: MemoryKind;
  limit?: number;
  offset?: number;
}

export type IntentionState = 'pending' | 'fired' | 'done' | 'snoozed' | 'cancelled' | 'expired';
export type IntentionEvent = 'app-start' | 'model-loaded' | 'peer-joined';
export const intentionEvents: { value: IntentionEvent; label: string }[] = [
  { value: 'app-start', label: 'When ARIA starts' },
  { value: 'model-loaded', label: 'When a model is loaded' },
  { value: 'peer-joined', label: 'When a peer joins' },
];

/** Intention is a reminder: exactly one trigger (cue, at, event or after_turns) is set. */
export interface Intention {
  id: string;
  text: string;
  state: IntentionState;
  cue?: string;
  at?: string;
  event?: IntentionEvent;
  after_turns?: number;
  created?: string;
  fired?: string;
  until?: string;
  conversation?: string;
}

/** NewIntention: the text and exactly one trigger. */
export type NewIntention = { text: string } & (
  | { cue: string }
  | { at: string }
  | { event: IntentionEvent }
  | { after_turns: number }
);

export interface IntentionPatch {
  state: 'done' | 'cancelled' | 'snoozed';
  /** RFC 3339; with snoozed */
  until?: string;
}

/** AriaChatOptions is a chat request's "aria" opt-in. */
export interface AriaChatOptions {
  memory: boolean;
  conversation: string;
  /** read memory, write none */
  private?: boolean;
}

/** AriaMemory is a chat answer's aria.memory: the memories put into the context and the reminders fired. */
export interface AriaMemory {
  /** text: the memory's text (ARIA adds it to the contract's id and score) */
  used: { id: string; score: number; text?: string }[] | null;
  fired: { id: string; text: string }[] | null;
}

const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body) });
const id = (s: string) => encodeURIComponent(s);

/** MemoryApi is the memory and intentions endpoints over the one Client (its key, its errors). */
export class MemoryApi {
  constructor(private c: Pick<Client, 'send' | 'events'>) {}

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const r = await this.c.send(path, init);
    return (r.status === 204 ? undefined : await r.json()) as T;
  }

  async list(q: MemoryQuery = {}): Promise<MemoryItem[]> {
    const p = new URLSearchParams();
    if (q.kind) p.set('kind', q.kind);
    if (q.limit) p.set('limit', String(q.limit));
    if (q.offset) p.set('offset', String(q.offset));
    const qs = p.toString();
    const r = await this.call<{ data: MemoryItem[] | null }>(`/api/memory${qs ? `?${qs}` : ''}`);
    return r.data ?? [];
  }

  async search(q: string, k = 5): Promise<MemoryHit[]> {
    const r = await this.call<{ data: MemoryHit[] | null }>(`/api/memory/search?${new URLSearchParams({ q, k: String(k) })}`);
    return r.data ?? [];
  }

  /** status is how many memories there are, how many lack a vector of the current model, and the re-embedding. */
  status(): Promise<MemoryStatus> {
    return this.call('/api/memory/status');
  }

  /** onReembed follows the re-embedding's progress on the event stream; it returns the function that stops. */
  onReembed(on: (r: MemoryReembedEvent) => void): () => void {
    return this.c.events(['memory_reembed'], (_type, data) => on(data as MemoryReembedEvent));
  }

  add(m: NewMemory): Promise<MemoryItem> {
    return this.call('/api/memory', { method: 'POST', ...json(m) });
  }

  update(memoryID: string, p: MemoryPatch): Promise<MemoryItem> {
    return this.call(`/api/memory/${id(memoryID)}`, { method: 'PATCH', ...json(p) });
  }

  remove(memoryID: string): Promise<void> {
    return this.call(`/api/memory/${id(memoryID)}`, { method: 'DELETE' });
  }

  /** forgetAll deletes every memory on this node. */
  forgetAll(): Promise<void> {
    return this.call('/api/memory', { method: 'DELETE' });
  }

  /** exportJSONL is every memory, one JSON object a line. */
  async exportJSONL(): Promise<Blob> {
    const r = await this.c.send('/api/memory/export');
    return new Blob([await r.text()], { type: 'application/x-ndjson' });
  }

  /** restore puts a deleted memory back exactly as it was (its id, source and times): a one-line import. */
  async restore(item: MemoryItem): Promise<void> {
    await this.c.send('/api/memory/import', { method: 'POST', body: JSON.stringify(item) }, 'application/x-ndjson');
  }

  /** importJSONL sends a JSONL file as it is; a broken line: a 400 naming it, nothing stored. */
  async importJSONL(file: Blob): Promise<number> {
    const r = await this.c.send('/api/memory/import', { method: 'POST', body: file }, 'application/x-ndjson');
    return ((await r.json()) as { imported: number }).imported;
  }

  async intentions(): Promise<Intention[]> {
    const r = await this.call<{ data: Intention[] | null }>('/api/intentions');
    return r.data ?? [];
  }

  addIntention(i: NewIntention): Promise<Intention> {
    return this.call('/api/intentions', { method: 'POST', ...json(i) });
  }

  updateIntention(intentionID: string, p: IntentionPatch): Promise<Intention> {
    return this.call(`/api/intentions/${id(intentionID)}`, { method: 'PATCH', ...json(p) });
  }

  removeIntention(intentionID: string): Promise<void> {
    return this.call(`/api/intentions/${id(intentionID)}`, { method: 'DELETE' });
  }
}

/** newConversationID names a chat for the node's memory: a fresh one per chat. */
export function newConversationID(): string {
  const c = globalThis.crypto;
  if (c?.randomUUID) return c.randomUUID();
  const b = new Uint8Array(16);
  if (c?.getRandomValues) c.getRandomValues(b);
  else for (let i = 0; i < b.length; i++) b[i] = Math.floor(Math.random() * 256);
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** fieldOf is the request field a node error names: its param, or a "field: …" message. */
export function fieldOf(e: unknown): string | null {
  if (e && typeof e === 'object' && 'param' in e && typeof e.param === 'string' && e.param) return e.param;
  const m = e instanceof Error ? /^([a-z_]+):/.exec(e.message) : null;
  return m ? m[1] : null;
}

/** toRFC3339 turns a datetime-local value (local time) into an RFC 3339 instant, or null. */
export function toRFC3339(local: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(local)) return null;
  const d = new Date(local); // no zone: local time
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace(/\.000Z$/, 'Z');
}
