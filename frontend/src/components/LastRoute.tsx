import type { HopStats } from '../api/types';
import { millis } from '../format';

/** LastRoute shows the hops of the last pipelined request with each hop's latency. */
export function LastRoute({ route, hops }: { route: string; hops: HopStats[] | null }) {
  if (!route) {
    return (
      <p data-testid="last-route-empty" className="card">
        No pipelined request yet. Choose <strong>Pipeline</strong> above and send a message in Chat: each hop and its
        latency shows here.
      </p>
    );
  }
  return (
    <div className="card" data-testid="last-route">
      <p><code>{route}</code></p>
      {hops && hops.length > 0 ? (
        <table className="table">
          <thead>
            <tr><th>Hop</th><th>Steps</th><th>Tokens</th><th>Last step</th></tr>
          </thead>
          <tbody>
            {hops.map((h, i) => (
              <tr key={`${i}:${h.hop}`} data-testid="hop">
                <td><code>{h.hop}</code></td><td>{h.steps}</td><td>{h.tokens}</td><td>{millis(h.last_ms)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p className="meta">Running… the hops' latencies show when the request ends.</p>
      )}
    </div>
  );
}
