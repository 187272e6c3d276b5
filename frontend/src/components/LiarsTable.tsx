import type { Liar } from '../api/types';
import { shortId } from '../format';

/** LiarsTable lists the evidence against peers caught returning wrong work. */
export function LiarsTable({ liars }: { liars: Liar[] }) {
  if (liars.length === 0) return null;
  return (
    <section aria-labelledby="liars-title" data-testid="liars">
      <h2 id="liars-title">Caught lying</h2>
      <p className="meta">
        This node re-executed part of these peers' work and got other results than they signed. The signed evidence is
        in the ledger, and they are left out of every route.
      </p>
      <table className="table">
        <thead>
          <tr>
            <th>Peer</th><th>When</th><th>Request</th><th>Layers</th><th>Position</th>
          </tr>
        </thead>
        <tbody>
          {liars.map((l, i) => (
            <tr key={`${l.peer}-${l.evidence}-${i}`} data-testid="liar">
              <td title={l.peer}><code>{shortId(l.peer)}</code></td>
              <td>{new Date(l.at).toLocaleString()}</td>
              <td><code>{l.request_id}</code></td>
              <td>{l.layer_from}–{l.layer_to}</td>
              <td title={`signed ${l.claimed}\ncomputed ${l.computed}`}>{l.pos}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
