import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PeerInfo, RouteEvent, RouteHop } from '../api/types';
import { ringLayout, VIEW } from './PeersGraph';
import { PeersPage } from './PeersPage';
import { PAGE } from './PeersTable';

const other = '12D3KooWRm3yqvT8EWFx1Ju6S7hK2aGb4vRr7LCBtxcH7BbCo7sr';
const third = '12D3KooWPjceQrSwdWXPyLLeABRXmuqt69Rg3sBYbU1Nft9HyQ6X';
const sha = 'd4f57056476abf6e5a2f0c7f3b2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d';

function peer(id: string, over: Partial<PeerInfo> = {}, tokensPerS = 20): PeerInfo {
  return {
    id, addrs: [`/ip4/192.168.1.7/tcp/4001/p2p/${id}`], latency_ms: 0.42, seen: new Date(Date.now() - 12_000).toISOString(),
    connection: 'direct',
    caps: {
      version: '0.7.0', kernels: 'avx2', threads: 4, tokens_per_s: tokensPerS, ms_per_layer: 0.8, free_memory: 0,
      contributing: true, queue_length: 0, models: [{ sha256: sha, name: 'bitnet-2b', layers: 6, from: 0, to: 6, bytes: 1 }],
    },
    ...over,
  };
}

function hop(peerID: string, from: number, to: number, ms: number): RouteHop {
  const who = peerID === 'local' ? 'local' : `${peerID.slice(0, 4)}…${peerID.slice(-6)}`;
  return { hop: `${who}[${from},${to})`, peer: peerID, from, to, ms, last_ms: ms, steps: 40, tokens: 45 };
}

function routeOf(hops: RouteHop[], failovers = 0, state: RouteEvent['state'] = 'running'): RouteEvent {
  return { request_id: 'cmpl-1', route: hops.map((h) => h.hop).join(' → '), hops, failovers, state };
}

const hopTexts = () => screen.getAllByTestId('route-hop').map((li) => li.textContent);

afterEach(() => {
  delete (navigator as { clipboard?: unknown }).clipboard;
});

describe('PeersPage', () => {
  it('draws the route over the graph and lists the same hops in order; a failover redraws both', () => {
    const peers = [peer(other), peer(third)];
    const first = routeOf([hop('local', 0, 2, 1.25), hop(other, 2, 4, 3.5), hop(third, 4, 6, 12.4)]);
    const { rerender } = render(<PeersPage joined addrs={[]} peers={peers} route={first} />);

    expect(hopTexts()).toEqual([
      'This node, layers 0–2, 1.3 ms per token (45 tokens in 40 steps)',
      '12D3…bCo7sr, layers 2–4, 3.5 ms per token (45 tokens in 40 steps)',
      '12D3…9HyQ6X, layers 4–6, 12 ms per token (45 tokens in 40 steps)',
    ]);
    expect(screen.getByRole('list', { name: 'Hops in order' }).tagName).toBe('OL');
    // On the graph: this node → other → third → back to this node, each hop labelled.
    expect(screen.getAllByTestId('graph-route-edge')).toHaveLength(3);
    expect(screen.getAllByTestId('graph-hop').map((t) => [t.getAttribute('data-peer'), t.textContent])).toEqual([
      ['local', '1: 0–2 · 1.3 ms'], [other, '2: 2–4 · 3.5 ms'], [third, '3: 4–6 · 12 ms'],
    ]);
    const edges = screen.getAllByTestId('graph-route-edge');
    const spot = (id: string) => screen.getAllByTestId('graph-peer').find((g) => g.getAttribute('data-peer') === id)!.querySelector('circle')!;
    // The second arrow leaves other's circle towards third's.
    const ends = (e: Element) => e.getAttribute('d')!.match(/-?[\d.]+/g)!.map(Number);
    const [x1, y1, , , x2, y2] = ends(edges[1]);
    const o = spot(other);
    const t = spot(third);
    const near = (x: number, y: number, c: Element) =>
      Math.hypot(x - Number(c.getAttribute('cx')), y - Number(c.getAttribute('cy'))) < Number(c.getAttribute('r')) + 6;
    expect(near(x1, y1, o) && near(x2, y2, t)).toBe(true);
    expect(o.getAttribute('class')).toBe('peer-node contributing on-route');
    // Beside other's circle, its name and its hop, one under the other.
    const ys = [...screen.getAllByTestId('graph-peer').find((g) => g.getAttribute('data-peer') === other)!.querySelectorAll('text'),
      ...screen.getAllByTestId('graph-hop').filter((l) => l.getAttribute('data-peer') === other)].map((e) => Number(e.getAttribute('y')));
    expect(ys).toHaveLength(2);
    expect(Math.abs(ys[0] - ys[1])).toBeGreaterThanOrEqual(12);
    // The table says which hop each peer runs.
    const rows = screen.getAllByTestId('peer');
    expect(rows.map((r) => within(r).getByTestId('peer-hops').textContent)).toEqual(['hop 3', 'hop 2']); // sorted by ID: third, other
    expect(screen.getByTestId('route-announce').textContent).toBe('');

    // third fails: its range goes to other; the graph now goes this node → other → back.
    rerender(<PeersPage joined addrs={[]} peers={[peer(other)]} route={routeOf([hop('local', 0, 2, 1.25), hop(other, 2, 4, 3.5), hop(other, 4, 6, 3.1)], 1)} />);
    expect(hopTexts().map((s) => s!.split(',').slice(0, 2).join(','))).toEqual([
      'This node, layers 0–2', '12D3…bCo7sr, layers 2–4', '12D3…bCo7sr, layers 4–6',
    ]);
    const [there, back] = screen.getAllByTestId('graph-route-edge').map(ends);
    expect([there, back].every(Boolean)).toBe(true);
    expect(screen.getAllByTestId('graph-route-edge')).toHaveLength(2);
    // There and back are two arcs, bowed to either side (their control points apart).
    expect(Math.hypot(there[2] - back[2], there[3] - back[3])).toBeGreaterThan(20);
    expect(screen.getAllByTestId('graph-hop').map((l) => l.getAttribute('data-peer'))).toEqual(['local', other, other]);
    expect(screen.getByTestId('route-state').textContent).toContain('1 failover');
    expect(screen.getByTestId('route-announce').textContent).toBe(
      'Route changed after a failover: This node 0–2, then 12D3…bCo7sr 2–4, then 12D3…bCo7sr 4–6');
    expect(within(screen.getAllByTestId('peer')[0]).getByTestId('peer-hops').textContent).toBe('hop 2, 3');
  });

  it('a hop not measured yet says so, on the list and the graph', () => {
    render(<PeersPage joined addrs={[]} peers={[peer(other)]} route={routeOf([hop('local', 0, 3, 0), hop(other, 3, 6, 0)])} />);
    expect(hopTexts()[1]).toContain('layers 3–6, not measured yet');
    expect(screen.getAllByTestId('graph-hop').map((l) => l.textContent)).toEqual(['1: 0–3', '2: 3–6']);
  });

  it('every fact of the graph is in the table: contributing, relayed, caught lying', () => {
    const peers = [peer(other, { connection: 'relayed' }), peer(third, { caps: { ...peer(third).caps, contributing: false } })];
    render(<PeersPage joined addrs={[]} peers={peers} route={null} liars={new Set([other])} />);
    const node = (id: string) => screen.getAllByTestId('graph-peer').find((g) => g.getAttribute('data-peer') === id)!;
    expect(node(other).querySelector('circle')!.getAttribute('class')).toBe('peer-node contributing liar');
    expect(node(third).querySelector('circle')!.getAttribute('class')).toBe('peer-node');
    const links = screen.getByTestId('peers-graph').querySelectorAll('line.link');
    expect([...links].map((l) => l.getAttribute('class'))).toEqual(['link relayed', 'link']);

    const row = (id: string) => screen.getAllByTestId('peer').find((r) => r.getAttribute('data-peer') === id)!;
    const cells = (id: string) => within(row(id)).getAllByRole('cell').map((c) => c.textContent);
    expect(cells(other)).toEqual([`bitnet-2b all 6 layers ${sha}`, 'avx2', '20.0', '0.4 ms', 'relayed', 'contributing caught lying',
      '12 s ago', '—']);
    expect(cells(third).slice(4, 6)).toEqual(['direct', 'not contributing']);
    expect(screen.getByTestId('route-empty').textContent).toContain('Pipeline');
  });

  it('copies a peer ID whole with a named button', async () => {
    const writeText = vi.fn().mockResolvedValue(undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    render(<PeersPage joined addrs={[]} peers={[peer(other), peer(third)]} route={null} />);
    const button = screen.getByRole('button', { name: 'Copy peer ID 12D3…bCo7sr' });
    expect(within(button.closest('tr')!).getByRole('rowheader').textContent).toContain('12D3…bCo7sr');
    await act(async () => fireEvent.click(button));
    expect(writeText).toHaveBeenCalledWith(other);
    expect(screen.getByTestId('peers-copied').textContent).toBe('Copied 12D3…bCo7sr');
  });

  it('sorts by a column, saying so, and filters', () => {
    const peers = [peer(other, {}, 5), peer(third, {}, 40), peer('12D3KooWAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', {}, 12)];
    render(<PeersPage joined addrs={[]} peers={peers} route={null} />);
    const speeds = () => screen.getAllByTestId('peer').map((r) => within(r).getAllByRole('cell')[2].textContent);
    fireEvent.click(screen.getByTestId('sort-tokens'));
    expect(speeds()).toEqual(['40.0', '12.0', '5.0']);
    expect(screen.getByTestId('sort-tokens').closest('th')!.getAttribute('aria-sort')).toBe('descending');
    fireEvent.click(screen.getByTestId('sort-tokens'));
    expect(speeds()).toEqual(['5.0', '12.0', '40.0']);
    expect(screen.getByTestId('sort-tokens').closest('th')!.getAttribute('aria-sort')).toBe('ascending');

    fireEvent.change(screen.getByTestId('peers-filter'), { target: { value: 'bCo7' } });
    expect(screen.getAllByTestId('peer').map((r) => r.getAttribute('data-peer'))).toEqual([other]);
    fireEvent.change(screen.getByTestId('peers-filter'), { target: { value: 'nothing like it' } });
    expect(screen.queryAllByTestId('peer')).toHaveLength(0);
  });

  it('stays usable with 200 peers: a paged table, a graph of small circles that do not overlap, a bounded DOM', () => {
    const ids = Array.from({ length: 200 }, (_, i) => `12D3KooW${String(i).padStart(44, '0')}`);
    const peers = ids.map((id, i) => peer(id, {}, i + 1));
    const route = routeOf([hop('local', 0, 2, 1), hop(ids[17], 2, 4, 2), hop(ids[150], 4, 6, 3)]);
    const { container } = render(<PeersPage joined addrs={[]} peers={peers} route={route} />);

    expect(screen.getAllByTestId('peer')).toHaveLength(PAGE);
    expect(screen.getByTestId('peers-pageno').textContent).toBe('Page 1 of 8');
    fireEvent.click(screen.getByTestId('peers-next'));
    expect(screen.getAllByTestId('peer')[0].getAttribute('data-peer')).toBe(ids[PAGE]);
    expect(screen.getByTestId('peers-prev')).not.toHaveProperty('disabled', true);

    expect(screen.getAllByTestId('graph-peer')).toHaveLength(200);
    expect(container.querySelectorAll('.peer-label')).toHaveLength(0); // too many to name: the route's hops are
    expect(screen.getAllByTestId('graph-hop').map((l) => l.getAttribute('data-peer'))).toEqual(['local', ids[17], ids[150]]);
    expect(container.querySelectorAll('*').length).toBeLessThan(2500);
  });

  it('lays peers out inside the picture without overlap, for any count up to 1000', () => {
    for (const n of [1, 2, 16, 17, 200, 1000]) {
      const s = ringLayout(n);
      expect(s).toHaveLength(n);
      const outside = s.filter((p) => p.x - p.r < 0 || p.y - p.r < 0 || p.x + p.r > VIEW || p.y + p.r > VIEW ||
        Math.hypot(p.x - VIEW / 2, p.y - VIEW / 2) <= 18 + p.r); // off the picture, or on this node
      expect(outside).toEqual([]);
      let overlaps = 0;
      for (let i = 0; i < n; i++) {
        for (let j = i + 1; j < n; j++) {
          if (Math.hypot(s[i].x - s[j].x, s[i].y - s[j].y) < s[i].r + s[j].r) overlaps++;
        }
      }
      expect(overlaps).toBe(0);
      expect(ringLayout(n)).toEqual(s); // the same picture each time
    }
  });

  it('explains discovery and how to add a bootstrap peer when there is none', () => {
    const addr = '/ip4/192.168.1.9/tcp/4001/p2p/12D3KooWSelf';
    const { rerender } = render(<PeersPage joined addrs={[addr]} peers={[]} route={null} />);
    const empty = screen.getByTestId('peers-empty').textContent!;
    expect(empty).toContain('(mDNS)');
    expect(empty).toContain('(the DHT)');
    expect(empty).toContain('aria serve --bootstrap /ip4/');
    expect(empty).toContain(addr);
    expect(screen.queryByTestId('peers-graph')).toBeNull();
    expect(screen.queryByTestId('peers-table')).toBeNull();
    rerender(<PeersPage joined={false} addrs={[]} peers={[]} route={null} />);
    expect(screen.getByTestId('peers-empty').textContent).toContain('--no-p2p');
  });
});
