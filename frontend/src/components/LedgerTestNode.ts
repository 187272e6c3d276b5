// Test fixtures for the ledger page: entries and a fake node that filters and pages them as
// GET /api/ledger does (backend/api/ledger_app.go).
import type { LedgerEntry, LedgerKind, VerifyResponse } from '../api/types';
import { fakeNode, type Answer, type Handler } from '../test-fakes';

export const self = '12D3KooWCM8fT5yaaJMAAmuU9xspDjEuKx1215qYAZ7CLKgpEMSX';
export const other = '12D3KooWRm3yqvT8EWFx1Ju6S7hK2aGb4vRr7LCBtxcH7BbCo7sr';
export const modelA = 'd4f57056476abf6e007df33bed3eb6f1d4f57056476abf6e007df33bed3eb6f1';
export const modelB = '0b7a1e2f0b7a1e2f0b7a1e2f0b7a1e2f0b7a1e2f0b7a1e2f0b7a1e2f0b7a1e2f';

export function entry(seq: number, kind: LedgerKind, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    seq, request_id: `chatcmpl-${seq}`, kind, model_sha256: modelA, layer_from: 0, layer_to: 4,
    prompt_tokens: 20, gen_tokens: 30, started_at: 1795860601135 + seq * 60_000, duration_ms: 1500, energy_mj: 40 * seq,
    energy_label: 'estimated', requester: self, worker: self, input_hash: 'a'.repeat(64), output_hash: 'b'.repeat(64),
    prev_hash: 'c'.repeat(64), hash: `${seq}`.padStart(64, 'd'), sig: 'q80=', ...over,
  };
}

const ok = (n: number): VerifyResponse => ({ ok: true, report: { owner: self, entries: n, problems: null } });

const sum = (es: LedgerEntry[]) => ({
  entries: es.length,
  prompt_tokens: es.reduce((a, e) => a + e.prompt_tokens, 0),
  gen_tokens: es.reduce((a, e) => a + e.gen_tokens, 0),
  duration_ms: es.reduce((a, e) => a + e.duration_ms, 0),
  energy_mj: es.reduce((a, e) => a + e.energy_mj, 0),
  estimated_mj: es.reduce((a, e) => a + (e.energy_label === 'estimated' ? e.energy_mj : 0), 0),
});

/** select filters entries (oldest first) as the node does and returns them newest first. */
export function select(entries: LedgerEntry[], q: URLSearchParams): LedgerEntry[] {
  const kind = q.get('kind');
  const peer = q.get('peer');
  const model = q.get('model');
  const from = q.get('from') ? Date.parse(q.get('from')!) : null;
  const to = q.get('to') ? Date.parse(q.get('to')!) : null;
  return entries
    .filter((e) => (!kind || e.kind === kind) && (!peer || e.requester === peer || e.worker === peer)
      && (!model || e.model_sha256.startsWith(model)) && (from === null || e.started_at >= from) && (to === null || e.started_at < to))
    .sort((a, b) => b.seq - a.seq);
}

export interface LedgerNodeOptions {
  verify?: VerifyResponse;
  verifyEntry?: (seq: number) => VerifyResponse;
  /** refuse answers the list and totals with this error instead */
  refuse?: (q: URLSearchParams) => Answer | null;
  exportBody?: (q: URLSearchParams) => string;
}

/** ledgerNode is a fake node holding entries (oldest first; the array may grow). */
export function ledgerNode(entries: LedgerEntry[], o: LedgerNodeOptions = {}) {
  const routes: Record<string, Handler> = {
    'GET /api/network': () => ({ body: { peer_id: self } }),
    'GET /api/models': () => ({ body: { catalogue: [], local: [{ name: 'bitnet-2b', file: 'b.gguf', size: 1, sha256: modelA, loaded: true }], downloads: [] } }),
    'GET /api/ledger': (_b, url) => {
      const q = url.searchParams;
      const r = o.refuse?.(q);
      if (r) return r;
      const all = select(entries, q);
      const limit = Number(q.get('limit') ?? 100);
      const offset = Number(q.get('offset') ?? 0);
      return { body: { entries: all.slice(offset, offset + limit), total: all.length, limit, offset } };
    },
    'GET /api/ledger/totals': (_b, url) => {
      const r = o.refuse?.(url.searchParams);
      if (r) return r;
      const all = select(entries, url.searchParams);
      return {
        body: {
          entries: all.length,
          given: sum(all.filter((e) => e.kind === 'served' || e.kind === 'hop')),
          received: sum(all.filter((e) => e.kind === 'remote')),
          local: sum(all.filter((e) => e.kind === 'local')),
        },
      };
    },
    'GET /api/ledger/choices': () => ({
      body: { models: [...new Set(entries.map((e) => e.model_sha256))], peers: [...new Set(entries.flatMap((e) => [e.requester, e.worker]))].filter((p) => p !== self) },
    }),
    'GET /api/ledger/verify': () => ({ body: o.verify ?? ok(entries.length) }),
    'GET /api/ledger/export': (_b, url) => ({ body: o.exportBody?.(url.searchParams) ?? '' }),
  };
  // One route per entry, as the fake serves exact paths.
  for (let seq = 1; seq <= 300; seq++) {
    routes[`GET /api/ledger/${seq}`] = () => {
      const e = entries.find((x) => x.seq === seq);
      return e ? { body: e } : { status: 404, body: { error: { message: `seq: entry ${seq}: ledger entry not found`, type: 'not_found_error', param: 'seq' } } };
    };
    routes[`GET /api/ledger/${seq}/verify`] = () => ({ body: o.verifyEntry?.(seq) ?? ok(1) });
  }
  return fakeNode(routes);
}
