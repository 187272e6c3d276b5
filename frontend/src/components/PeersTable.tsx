import type { ModelCap, PeerInfo } from '../api/types';
import { bytes, millis, num, shortId } from '../format';

function held(ms: ModelCap[] | null): string {
  if (!ms || ms.length === 0) return 'none';
  return ms.map((m) => (m.from === 0 && m.to === m.layers ? m.name : `${m.name} [${m.from}–${m.to})`)).join(', ');
}

/** PeersTable lists the peers this node knows, with what they hold and how fast they are. */
export function PeersTable({ peers, joined, liars = new Set() }: { peers: PeerInfo[]; joined: boolean; liars?: Set<string> }) {
  if (!joined) {
    return (
      <p data-testid="peers-empty" className="card">
        This node is not on the network: it was started with <code>--no-p2p</code>. Start it without that flag to
        find peers.
      </p>
    );
  }
  if (peers.length === 0) {
    return (
      <p data-testid="peers-empty" className="card">
        No peers yet — nodes on your LAN appear by themselves; across the internet add a bootstrap address:{' '}
        <code>aria serve --bootstrap /ip4/…/tcp/…/p2p/12D3Koo…</code> (another node's address, as shown above on its
        Network page).
      </p>
    );
  }
  return (
    <table className="table" data-testid="peers">
      <thead>
        <tr>
          <th>Peer</th><th>Models</th><th>Kernels</th><th>Tokens/s</th><th>Latency</th><th>Free memory</th><th>Contributing</th>
        </tr>
      </thead>
      <tbody>
        {peers.map((p) => (
          <tr key={p.id} data-testid="peer">
            <td title={p.id}><code>{shortId(p.id)}</code></td>
            <td className="wrap" title={(p.caps.models ?? []).map((m) => m.sha256).join('\n')}>{held(p.caps.models)}</td>
            <td>{p.caps.kernels || '—'}</td>
            <td>{num(p.caps.tokens_per_s)}</td>
            <td>{millis(p.latency_ms)}</td>
            <td>{p.caps.free_memory > 0 ? bytes(p.caps.free_memory) : '—'}</td>
            <td>
              {p.caps.contributing
                ? <span className="badge measured">contributing</span>
                : <span className="badge">not contributing</span>}
              {liars.has(p.id) && (
                <>
                  {' '}
                  <span className="badge liar" data-testid="peer-liar" title="Re-executing its work gave other results: it is in no route">
                    caught lying
                  </span>
                </>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
