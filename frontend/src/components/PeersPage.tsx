import { useEffect, useState } from 'react';
import type { PeerInfo, RouteEvent } from '../api/types';
import { PeersGraph } from './PeersGraph';
import { PeersRoute } from './PeersRoute';
import { PeersTable } from './PeersTable';
import '../styles/peers.css';

/** PeersEmpty explains how peers are found, and how to add one by hand. */
function PeersEmpty({ joined, addrs }: { joined: boolean; addrs: string[] }) {
  if (!joined) {
    return (
      <div data-testid="peers-empty" className="card">
        <p>
          This node is not on the network: it was started with <code>--no-p2p</code>. Start it without that flag to find
          peers.
        </p>
      </div>
    );
  }
  return (
    <div data-testid="peers-empty" className="card peers-empty">
      <p><strong>No peers yet.</strong> This node looks for them in two ways:</p>
      <ul>
        <li>On your local network, nodes announce themselves (mDNS) and appear here by themselves within seconds.</li>
        <li>
          Across the internet, nodes meet through a distributed hash table (the DHT), once this node knows any one node of
          the network.
        </li>
      </ul>
      <p>
        To add that first node, start this one with another node's address (shown on that node's Network page):{' '}
        <code>aria serve --bootstrap /ip4/203.0.113.7/tcp/4001/p2p/12D3KooW…</code>
      </p>
      {addrs.length > 0 && (
        <p>
          For another node to add this one, give it this node's address: <code className="select-all">{addrs[0]}</code>
        </p>
      )}
    </div>
  );
}

/**
 * PeersPage shows the peers of this node, live: a graph with the route of the current generation
 * drawn over it, and the same facts as text (the route's ordered list, the peers table).
 */
export function PeersPage({ joined, addrs, peers, liars = new Set(), route }: {
  joined: boolean; addrs: string[]; peers: PeerInfo[]; liars?: Set<string>; route: RouteEvent | null;
}) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 5000);
    return () => clearInterval(t);
  }, []);
  return (
    <section className="peers-page" aria-labelledby="peers-title" data-testid="peers-page">
      <h2 id="peers-title">Peers{joined && peers.length > 0 ? ` (${peers.length})` : ''}</h2>
      {peers.length === 0 && <PeersEmpty joined={joined} addrs={addrs} />}
      <div className="peers-view">
        {(peers.length > 0 || route) && <PeersGraph peers={peers} route={route} liars={liars} />}
        <PeersRoute route={route} />
      </div>
      {peers.length > 0 && <PeersTable peers={peers} liars={liars} route={route} now={now} />}
    </section>
  );
}
