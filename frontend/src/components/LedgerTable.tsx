import type { LedgerEntry } from '../api/types';
import { num, shortId } from '../format';

/** LedgerTable shows ledger entries in the order given, naming this node "this node". */
export function LedgerTable({ entries, self }: { entries: LedgerEntry[]; self: string }) {
  const who = (id: string) => (id && id === self ? 'this node' : shortId(id));
  return (
    <table className="table" data-testid="ledger">
      <thead>
        <tr>
          <th>Time</th><th>Kind</th><th>Model</th><th>Layers</th><th>Tokens (prompt → generated)</th><th>Tokens/s</th>
          <th>Energy</th><th>Requester</th><th>Worker</th><th>Receipt</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.seq} data-testid="ledger-entry" title={`#${e.seq} · ${e.request_id}`}>
            <td>{new Date(e.started_at).toLocaleString()}</td>
            <td data-testid="ledger-kind">{e.kind}</td>
            <td title={e.model_sha256}><code>{e.model_sha256.slice(0, 8) || '—'}</code></td>
            <td><code>[{e.layer_from},{e.layer_to})</code></td>
            <td>{e.prompt_tokens} → {e.gen_tokens}</td>
            <td>{num((e.gen_tokens * 1000) / e.duration_ms)}</td>
            <td>
              {e.energy_mj} mJ <span className={`badge ${e.energy_label}`}>{e.energy_label}</span>
            </td>
            <td title={e.requester}>{who(e.requester)}</td>
            <td title={e.worker}>{who(e.worker)}</td>
            <td>
              {e.receipt && <span className="badge measured" title={`signed by ${e.receipt.signer}`}>receipt</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
