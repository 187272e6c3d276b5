import { useEffect, useState } from 'react';
import type { Client } from '../api/client';
import type { LiarEvent, NetworkInfo, PeerInfo, Policy, PolicyResponse, Route, RouteEvent } from '../api/types';
import { ContributeSwitch } from './ContributeSwitch';
import { LastRoute } from './LastRoute';
import { LiarsTable } from './LiarsTable';
import { PeerIdentity } from './PeerIdentity';
import { PeersTable } from './PeersTable';
import { PolicyForm } from './PolicyForm';
import { RoutePicker } from './RoutePicker';

export type NetworkClient = Pick<Client, 'network' | 'setRoute' | 'setPolicy' | 'events'>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** apply folds one of the node's events into what the page shows. */
function apply(n: NetworkInfo, type: string, data: unknown): NetworkInfo {
  switch (type) {
    case 'peers':
      return { ...n, peers: (data as PeerInfo[] | null) ?? [] };
    case 'route': {
      const r = data as RouteEvent;
      return { ...n, last_route: r.route, last_hops: r.hops ?? null };
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

/** NetworkPage: this node on the network, what it lends to peers, where its requests run, the peers. */
export function NetworkPage({ client }: { client: NetworkClient }) {
  const [net, setNet] = useState<NetworkInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    client.network().then((n) => live && setNet(n), (e) => live && setError(message(e)));
    const stop = client.events(['peers', 'route', 'policy', 'liar'], (type, data) => setNet((n) => n && apply(n, type, data)));
    return () => {
      live = false;
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
          <h2>Peers</h2>
          <PeersTable peers={net.peers ?? []} joined={net.joined} liars={new Set((net.liars ?? []).map((l) => l.peer))} />
          <LiarsTable liars={net.liars ?? []} />
          <h2>Last route</h2>
          <LastRoute route={net.last_route} hops={net.last_hops} />
        </>
      )}
    </section>
  );
}
