import { useEffect, useRef, useState } from 'react';
import type { RouteEvent, RouteHop } from '../api/types';
import { millis, shortId } from '../format';

/** hopWho names a hop's node: this node, or the peer's short ID. */
export function hopWho(h: RouteHop): string {
  return h.peer === 'local' ? 'This node' : shortId(h.peer);
}

/** hopLayers is a hop's layer range as the page writes it: 0–2 is layers 0 and 1. */
export function hopLayers(h: RouteHop): string {
  return `${h.from}–${h.to}`;
}

/** hopMs is a hop's time per token, or what is known while it has none yet. */
export function hopMs(h: RouteHop): string {
  return h.ms > 0 ? `${millis(h.ms)} per token` : 'not measured yet';
}

/**
 * PeersRoute lists the route of the current generation (or of the last one) in order: the
 * text alternative of the route drawn on the graph. A failover is announced once, politely.
 */
export function PeersRoute({ route }: { route: RouteEvent | null }) {
  const [said, setSaid] = useState('');
  const seen = useRef<{ id: string; failovers: number } | null>(null);
  useEffect(() => {
    if (!route) return;
    const before = seen.current;
    seen.current = { id: route.request_id, failovers: route.failovers };
    if (before && before.id === route.request_id && route.failovers > before.failovers) {
      setSaid(`Route changed after a failover: ${route.hops.map((h) => `${hopWho(h)} ${hopLayers(h)}`).join(', then ')}`);
    }
  }, [route]);

  return (
    <section aria-labelledby="peers-route-title" className="peers-route" data-testid="route">
      <h3 id="peers-route-title">Route of the current generation</h3>
      <p role="status" className="meta" data-testid="route-announce">{said}</p>
      {!route ? (
        <p data-testid="route-empty" className="meta">
          No pipelined request yet. Choose <strong>Pipeline</strong> under “Where your requests run” and send a message in
          Chat: its route shows here hop by hop while it runs.
        </p>
      ) : (
        <>
          <p className="meta" data-testid="route-state">
            {route.state === 'running' ? 'Running' : 'Last request, ended'} · <code>{route.request_id}</code>
            {route.failovers > 0 && ` · ${route.failovers} ${route.failovers === 1 ? 'failover' : 'failovers'}`}
          </p>
          <ol className="route-hops" aria-label="Hops in order" data-testid="route-hops">
            {route.hops.map((h, i) => (
              <li key={`${i}:${h.peer}:${h.from}`} data-testid="route-hop" data-peer={h.peer} data-from={h.from} data-to={h.to}
                data-ms={h.ms}>
                <strong>{hopWho(h)}</strong>, layers {hopLayers(h)}, {hopMs(h)}
                <span className="meta"> ({h.tokens} tokens in {h.steps} steps)</span>
              </li>
            ))}
          </ol>
          <p className="meta">After the last hop the hidden state comes back to this node, whose head draws the next token.</p>
        </>
      )}
    </section>
  );
}
