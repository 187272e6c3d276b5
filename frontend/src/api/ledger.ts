// The node's ledger endpoints (backend/api/ledger_app.go) over the one Client: its key, its
// errors (an ApiError whose param names the query parameter the node refused).
import type { Client } from './client';
import type { LedgerChoices, LedgerTotals } from './generated';
import type { LedgerEntry, LedgerKind, LedgerList, VerifyResponse } from './types';

/** LedgerFilter is the filter of the list, its totals and its export; empty fields select all. */
export interface LedgerFilter {
  kind?: LedgerKind | '';
  /** a peer ID: the requester or the worker */
  peer?: string;
  /** a model's SHA-256, or the start of it */
  model?: string;
  /** RFC 3339: started at or after */
  from?: string;
  /** RFC 3339: started before */
  to?: string;
}

export type ExportFormat = 'csv' | 'jsonl';

/** filterParams is the filter as the node's query parameters, in a fixed order, empty fields left out. */
export function filterParams(f: LedgerFilter): URLSearchParams {
  const p = new URLSearchParams();
  for (const k of ['kind', 'peer', 'model', 'from', 'to'] as const) {
    const v = f[k]?.trim();
    if (v) p.set(k, v);
  }
  return p;
}

const withQuery = (path: string, p: URLSearchParams) => {
  const qs = p.toString();
  return qs ? `${path}?${qs}` : path;
};

export class LedgerApi {
  constructor(private c: Pick<Client, 'send' | 'events' | 'url'>) {}

  private async get<T>(path: string): Promise<T> {
    return (await (await this.c.send(path)).json()) as T;
  }

  /** list is one page of the entries the filter selects, newest first, with their total. */
  list(f: LedgerFilter, limit: number, offset: number): Promise<LedgerList> {
    const p = filterParams(f);
    p.set('limit', String(limit));
    if (offset) p.set('offset', String(offset));
    return this.get(withQuery('/api/ledger', p));
  }

  /** totals sums the entries the filter selects: given to peers, received from them, run for this node's user. */
  totals(f: LedgerFilter): Promise<LedgerTotals> {
    return this.get(withQuery('/api/ledger/totals', filterParams(f)));
  }

  /** choices are the models and peers the ledger names, for the filter's lists. */
  choices(): Promise<LedgerChoices> {
    return this.get('/api/ledger/choices');
  }

  entry(seq: number): Promise<LedgerEntry> {
    return this.get(`/api/ledger/${seq}`);
  }

  /** verify checks the whole ledger: every entry, the chain and the signed head. */
  verify(): Promise<VerifyResponse> {
    return this.get('/api/ledger/verify');
  }

  /** verifyEntry checks one entry: its hash, this node's signature, its receipt, its link to the one before. */
  verifyEntry(seq: number): Promise<VerifyResponse> {
    return this.get(`/api/ledger/${seq}/verify`);
  }

  /** exportPath is the export's path and query (for links). */
  exportPath(f: LedgerFilter, format: ExportFormat): string {
    const p = new URLSearchParams({ format });
    for (const [k, v] of filterParams(f)) p.set(k, v);
    return `/api/ledger/export?${p}`;
  }

  /** exportURL is the export's address on the node. */
  exportURL(f: LedgerFilter, format: ExportFormat): string {
    return this.c.url + this.exportPath(f, format);
  }

  /** exportFile fetches the export (with the key, which a plain link cannot send). */
  async exportFile(f: LedgerFilter, format: ExportFormat): Promise<Blob> {
    const r = await this.c.send(this.exportPath(f, format));
    return new Blob([await r.arrayBuffer()], { type: format === 'csv' ? 'text/csv' : 'application/x-ndjson' });
  }

  /** onEntry calls back for each new entry the node records; it returns the function that stops. */
  onEntry(on: () => void): () => void {
    return this.c.events(['ledger'], () => on());
  }
}
