// The node's saved conversations (issue 15), as the interface uses them; the types are the Go
// contract's, generated into ./generated.ts.
import type { Client } from './client';
import type { Conversation, ConversationDeletedEvent, ConversationList, ConversationSummary } from './generated';

export type { Conversation, ConversationList, ConversationMessage, ConversationSummary } from './generated';

/** ConversationDeleted is the data of a conversation_deleted event. */
export type ConversationDeleted = ConversationDeletedEvent;

export type ExportFormat = 'md' | 'json';

export interface ConversationQuery {
  /** words matched, case-insensitively, against titles and message texts */
  q?: string;
  limit?: number;
  offset?: number;
}

const id = (s: string) => encodeURIComponent(s);

/** ConversationsApi is the conversations endpoints over the one Client (its key, its errors). */
export class ConversationsApi {
  constructor(private c: Pick<Client, 'send' | 'events' | 'url'>) {}

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const r = await this.c.send(path, init);
    return (r.status === 204 ? undefined : await r.json()) as T;
  }

  /** list is newest (last updated) first. */
  async list(q: ConversationQuery = {}): Promise<{ data: ConversationSummary[]; total: number }> {
    const p = new URLSearchParams();
    if (q.q?.trim()) p.set('q', q.q.trim());
    if (q.limit) p.set('limit', String(q.limit));
    if (q.offset) p.set('offset', String(q.offset));
    const qs = p.toString();
    const r = await this.call<ConversationList>(`/api/conversations${qs ? `?${qs}` : ''}`);
    return { data: r.data ?? [], total: r.total };
  }

  get(conversationID: string): Promise<Conversation> {
    return this.call(`/api/conversations/${id(conversationID)}`);
  }

  /** restore puts a conversation back exactly as it was (undo of a delete, import of an export). */
  restore(c: Conversation): Promise<Conversation> {
    return this.call('/api/conversations', { method: 'POST', body: JSON.stringify(c) });
  }

  rename(conversationID: string, title: string): Promise<ConversationSummary> {
    return this.call(`/api/conversations/${id(conversationID)}`, { method: 'PATCH', body: JSON.stringify({ title }) });
  }

  remove(conversationID: string): Promise<void> {
    return this.call(`/api/conversations/${id(conversationID)}`, { method: 'DELETE' });
  }

  /** exportPath is the export's address on the node (a link's href). */
  exportPath(conversationID: string, format: ExportFormat): string {
    return `/api/conversations/${id(conversationID)}/export?format=${format}`;
  }

  exportURL(conversationID: string, format: ExportFormat): string {
    return this.c.url + this.exportPath(conversationID, format);
  }

  /**
   * exportFile fetches an export with the key (a plain link would carry none, and in the
   * window it would navigate away from the app) and names it as the node does.
   */
  async exportFile(conversationID: string, format: ExportFormat, fallbackName: string): Promise<{ blob: Blob; name: string }> {
    const r = await this.c.send(this.exportPath(conversationID, format));
    const type = format === 'md' ? 'text/markdown' : 'application/json';
    const blob = new Blob([await r.text()], { type });
    return { blob, name: fileName(r.headers.get('Content-Disposition')) ?? `${fallbackName}.${format}` };
  }

  /** onChange follows saves, renames, restores and deletes on the event stream; it returns the function that stops. */
  onChange(on: (e: { type: 'conversation'; data: ConversationSummary } | { type: 'conversation_deleted'; data: ConversationDeleted }) => void): () => void {
    return this.c.events(['conversation', 'conversation_deleted'], (type, data) => {
      if (type === 'conversation') on({ type, data: data as ConversationSummary });
      else if (type === 'conversation_deleted') on({ type, data: data as ConversationDeleted });
    });
  }
}

/** fileName reads the filename of a Content-Disposition header (filename*= first), or null. */
export function fileName(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // a broken encoding: fall back to the plain name
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;\s]+))/.exec(header);
  if (!plain) return null;
  return (plain[1] !== undefined ? plain[1].replace(/\\(.)/g, '$1') : plain[2]) || null;
}
