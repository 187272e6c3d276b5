import { useEffect, useState } from 'react';
import type { Client } from '../api/client';
import type { LiarEvent, NetworkInfo, PeerInfo, Policy, PolicyResponse, Route, RouteEvent } from '../api/types';
import { ContributeSwitch } from './ContributeSwitch';
import { LiarsTable } from './LiarsTable';
import { PeerIdentity } from './PeerIdentity';
import { PeersPage } from './PeersPage';
import { PolicyForm } from './PolicyForm';
import { RoutePicker } from './RoutePicker';

export type NetworkClient = Pick<Client, 'network' | 'setRoute' | 'setPolicy' | 'events'>;

/**
 * How often the page reads the peers again: their round trips and last-seen times change
 * without an event (the node publishes "peers" when one joins, leaves or changes what it offers).
 */
export const PEERS_REFRESH_MS = 15_000;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** apply folds one of the node's events into what the page shows. */
function apply(n: NetworkInfo, type: string, data: unknown): NetworkInfo {
  switch (type) {
    case 'peers':
      return { ...n, peers: (data as PeerInfo[] | null) ?? [] };
    case 'route': {
      const r = data as RouteEvent;
      return { ...n, last_pipeline: r, last_route: r.route, last_hops: r.hops };
    }
    case 'policy': {
      const p = data as PolicyResponse;
      return { ...n, policy: p.policy, contribution: p.status };
    }
    case 'liar': {
      const l = data as LiarEvent;
      const caught = {
        at: Date.now(), claimed: l.claimed, computed: l.computed, evidence: 0, layer_from: l.layers[0],
        layer_to: l.layers[1], peer: l.peer, pos: l.pos, request_id: l.request_id,
      };
      return { ...n, liars: [...(n.liars ?? []), caught] };
    }
    default:
      return n;
  }
}

/**
 * NetworkPage: this node on the network, what it lends to peers, where its requests run, and its
 * peers with the route of the current generation (PeersPage), live from the node's events.
 */
export function NetworkPage({ client }: { client: NetworkClient }) {
  const [net, setNet] = useState<NetworkInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    client.network().then((n) => live && setNet(n), (e) => live && setError(message(e)));
    const stop = client.events(['peers', 'route', 'policy', 'liar'], (type, data) => setNet((n) => n && apply(n, type, data)));
    const poll = setInterval(() => {
      client.network().then((f) => live && setNet((n) => n && { ...n, peers: f.peers }), () => {});
    }, PEERS_REFRESH_MS);
    return () => {
      live = false;
      clearInterval(poll);
      stop();
    };
  }, [client]);

  const savePolicy = async (p: Policy) => {
    const r = await client.setPolicy(p);
    setNet((n) => n && { ...n, policy: r.policy, contribution: r.status });
  };
  const run = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  const toggle = () => net && run(() => savePolicy({ ...net.policy, contribute: !net.policy.contribute }));
  const pickRoute = (route: Route) => run(async () => {
    const r = await client.setRoute(route);
    setNet((n) => n && { ...n, route: r.route });
  });

  return (
    <section className="network" aria-label="Network" data-testid="network-page">
      {error && <p role="alert" className="error">{error}</p>}
      {!net && !error && <p className="meta">Loading…</p>}
      {net && (
        <>
          <PeerIdentity id={net.peer_id} addrs={net.addrs ?? []} />
          <ContributeSwitch on={net.policy.contribute} status={net.contribution} busy={busy} onToggle={() => void toggle()} />
          <PolicyForm value={net.policy} onSave={savePolicy} />
          <RoutePicker value={net.route} busy={busy} onChange={(r) => void pickRoute(r)} />
          <PeersPage joined={net.joined} addrs={net.addrs ?? []} peers={net.peers ?? []} route={net.last_pipeline}
            liars={new Set((net.liars ?? []).map((l) => l.peer))} />
          <LiarsTable liars={net.liars ?? []} />
        </>
      )}
    </section>
  );
}
