import { useId } from 'react';
import type { PeerInfo, RouteEvent, RouteHop } from '../api/types';
import { millis, shortId } from '../format';
import '../styles/peers.css';

/** The graph's coordinates: a square with this node in the middle, */
export const VIEW = 600;
const C = VIEW / 2;
/** and a margin on each side for the text beside the outer circles. */
const PAD = 80;

/** Spot is where a peer is drawn, and its radius. */
export interface Spot {
  x: number;
  y: number;
  r: number;
}

/** Up to this many peers sit on one ring with their short IDs written beside them. */
export const LABELLED = 16;
const RINGS = [250, 215, 180, 145, 110];

/**
 * ringLayout places n peers around this node, the same way for the same count: up to LABELLED on
 * one wide ring, more on concentric rings filled from the outside in, spaced so that circles do
 * not overlap (smaller when there are very many).
 */
export function ringLayout(n: number): Spot[] {
  if (n <= 0) return [];
  const around = (R: number, k: number, i: number, r: number, turn: number): Spot => {
    const a = -Math.PI / 2 + (2 * Math.PI * i) / k + turn;
    return { x: C + R * Math.cos(a), y: C + R * Math.sin(a), r };
  };
  if (n <= LABELLED) return Array.from({ length: n }, (_, i) => around(180, n, i, 14, 0)); // room for the names beside
  let gap = 18;
  let caps = RINGS.map((R) => Math.floor((2 * Math.PI * R) / gap));
  const total = caps.reduce((a, b) => a + b, 0);
  if (total < n) {
    gap = (gap * total) / n / 1.02;
    caps = RINGS.map((R) => Math.floor((2 * Math.PI * R) / gap));
  }
  const r = Math.max(1.5, Math.min(6, gap / 3));
  const out: Spot[] = [];
  let left = n;
  RINGS.forEach((R, ring) => {
    const k = Math.min(caps[ring], left);
    for (let i = 0; i < k; i++) out.push(around(R, k, i, r, ring * 0.35));
    left -= k;
  });
  return out;
}

/**
 * arc is the path of the route's arrow from a to b: a curve bowed to the left of its direction, so that a
 * hop there and the way back are two arcs, and a hop passing this node does not hide behind
 * it. It starts and ends outside the circles it joins, so the arrowhead shows.
 */
export function arc(a: Spot, b: Spot): string {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const d = Math.hypot(dx, dy) || 1;
  const [nx, ny] = [-dy / d, dx / d]; // left of a → b
  const bow = Math.min(60, d * 0.18);
  const cx = (a.x + b.x) / 2 + nx * bow;
  const cy = (a.y + b.y) / 2 + ny * bow;
  const toward = (p: Spot, r: number): [number, number] => {
    const l = Math.hypot(cx - p.x, cy - p.y) || 1;
    return [p.x + ((cx - p.x) / l) * r, p.y + ((cy - p.y) / l) * r];
  };
  const start = toward(a, a.r + 2);
  const end = toward(b, b.r + 4);
  return `M${start[0].toFixed(1)},${start[1].toFixed(1)} Q${cx.toFixed(1)},${cy.toFixed(1)} ${end[0].toFixed(1)},${end[1].toFixed(1)}`;
}

/** shorten is the straight segment from a to b without the circles it joins. */
function shorten(a: Spot, b: Spot): [number, number, number, number] {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const d = Math.hypot(dx, dy) || 1;
  const ux = dx / d;
  const uy = dy / d;
  return [a.x + ux * (a.r + 2), a.y + uy * (a.r + 2), b.x - ux * (b.r + 2), b.y - uy * (b.r + 2)];
}

/** Line is one line of text beside a circle. */
interface Line {
  x: number;
  y: number;
  anchor: 'start' | 'middle' | 'end';
}

/**
 * beside places n lines of text next to the circle s, on its outer side (away from this
 * node), as one block that does not cover the circle; lines below this node for its own.
 */
function beside(s: Spot, n: number): Line[] {
  const dx = s.x - C;
  const dy = s.y - C;
  const d = Math.hypot(dx, dy);
  if (d < 1) return Array.from({ length: n }, (_, i) => ({ x: C, y: C + s.r + 16 + 14 * i, anchor: 'middle' as const }));
  const [ux, uy] = [dx / d, dy / d];
  const ax = s.x + ux * (s.r + 6);
  const ay = s.y + uy * (s.r + 6);
  const anchor = ux > 0.35 ? 'start' : ux < -0.35 ? 'end' : 'middle';
  const top = uy < -0.35 ? ay - 14 * (n - 1) - 2 : uy > 0.35 ? ay + 10 : ay + 4 - 7 * (n - 1);
  return Array.from({ length: n }, (_, i) => ({ x: ax, y: top + 14 * i, anchor }));
}

const self: Spot = { x: C, y: C, r: 18 };

/** hopText is a hop's label on the graph: its number, layers and time per token. */
function hopText(i: number, h: RouteHop): string {
  return `${i + 1}: ${h.from}–${h.to}${h.ms > 0 ? ` · ${millis(h.ms)}` : ''}`;
}

/**
 * PeersGraph draws this node in the middle and its peers around it (green: contributing; a
 * dashed line: reached through a relay; a red ring: caught lying), and over them the route of
 * the current generation as numbered arrows. It is a picture: the peers table and the route's
 * ordered list say the same in text.
 */
export function PeersGraph({ peers, route, liars = new Set() }: { peers: PeerInfo[]; route: RouteEvent | null; liars?: Set<string> }) {
  const uid = useId().replace(/:/g, ''); // React's ids hold colons, which url(#…) does not take
  const ids = peers.map((p) => p.id);
  // A hop on a peer the list does not have yet (its capabilities are on their way) still gets a place.
  const extra = (route?.hops ?? []).map((h) => h.peer).filter((p, i, all) => p !== 'local' && !ids.includes(p) && all.indexOf(p) === i);
  const spots = ringLayout(ids.length + extra.length);
  const at = new Map<string, Spot>();
  [...ids, ...extra].forEach((id, i) => at.set(id, spots[i]));
  const where = (peer: string) => (peer === 'local' ? self : at.get(peer) ?? self);
  const labelled = ids.length + extra.length <= LABELLED;

  const hops = route?.hops ?? [];
  const onRoute = new Set(hops.map((h) => h.peer));
  const path: Spot[] = [self];
  for (const h of hops) {
    const s = where(h.peer);
    if (path[path.length - 1] !== s) path.push(s);
  }
  if (hops.length > 0 && path[path.length - 1] !== self) path.push(self);
  // The lines beside each circle: the peer's short ID (when there are few), then its hops.
  const hopsAt = new Map<Spot, number[]>();
  hops.forEach((h, i) => {
    const s = where(h.peer);
    hopsAt.set(s, [...(hopsAt.get(s) ?? []), i]);
  });
  const lines = new Map<Spot, Line[]>();
  for (const s of new Set([...at.values(), self])) {
    const named = labelled && s !== self ? 1 : 0;
    lines.set(s, beside(s, named + (hopsAt.get(s)?.length ?? 0)));
  }
  const hopLabels = hops.map((h, i) => {
    const s = where(h.peer);
    const line = lines.get(s)![(labelled && s !== self ? 1 : 0) + hopsAt.get(s)!.indexOf(i)];
    return { ...line, text: hopText(i, h), peer: h.peer, i };
  });

  const title = `${uid}-title`;
  const desc = `${uid}-desc`;
  const arrow = `${uid}-arrow`;
  const n = peers.length;
  return (
    <figure className="peers-graph" data-testid="peers-graph">
      <svg viewBox={`${-PAD} ${-PAD / 4} ${VIEW + 2 * PAD} ${VIEW + PAD / 2}`} role="img" aria-labelledby={`${title} ${desc}`}>
        <title id={title}>Graph of this node and its peers</title>
        <desc id={desc}>
          {`This node and ${n} ${n === 1 ? 'peer' : 'peers'}${hops.length ? `; the route of the current generation has ${hops.length} hops` : ''}. ` +
            'The peers table and the list of hops give the same facts as text.'}
        </desc>
        <defs>
          <marker id={arrow} viewBox="0 0 10 10" refX="8" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M0,0 L10,5 L0,10 z" className="route-arrow" />
          </marker>
        </defs>
        <g className="links">
          {peers.map((p) => {
            const s = at.get(p.id)!;
            const [x1, y1, x2, y2] = shorten(self, s);
            return <line key={p.id} x1={x1} y1={y1} x2={x2} y2={y2} className={p.connection === 'relayed' ? 'link relayed' : 'link'} />;
          })}
        </g>
        <g className="nodes">
          {[...peers.map((p) => ({ id: p.id, p })), ...extra.map((id) => ({ id, p: null as PeerInfo | null }))].map(({ id, p }) => {
            const s = at.get(id)!;
            const cls = ['peer-node', p?.caps.contributing ? 'contributing' : '', p ? '' : 'unlisted', liars.has(id) ? 'liar' : '',
              onRoute.has(id) ? 'on-route' : ''].filter(Boolean).join(' ');
            return (
              <g key={id} data-testid="graph-peer" data-peer={id}>
                <circle cx={s.x} cy={s.y} r={s.r} className={cls}>
                  <title>{`${shortId(id)}${p ? `, ${p.caps.contributing ? 'contributing' : 'not contributing'}, ${p.connection}` : ', not listed yet'}`}</title>
                </circle>
                {labelled && (
                  <text x={lines.get(s)![0].x} y={lines.get(s)![0].y} textAnchor={lines.get(s)![0].anchor} className="peer-label">{shortId(id)}</text>
                )}
              </g>
            );
          })}
          <circle cx={C} cy={C} r={self.r} className="peer-node self" />
          <text x={C} y={C + 4} textAnchor="middle" className="self-label">you</text>
        </g>
        {path.length > 1 && (
          <g className="route" data-testid="graph-route">
            {path.slice(1).map((to, i) => (
              <path key={i} d={arc(path[i], to)} className="route-edge" markerEnd={`url(#${arrow})`} data-testid="graph-route-edge" />
            ))}
            {hopLabels.map((l) => (
              <text key={l.i} x={l.x} y={l.y} textAnchor={l.anchor} className="hop-label" data-testid="graph-hop" data-peer={l.peer}>{l.text}</text>
            ))}
          </g>
        )}
      </svg>
      <figcaption>
        <ul className="legend" aria-label="Legend">
          <li><span className="swatch contributing" aria-hidden="true" /> contributing</li>
          <li><span className="swatch" aria-hidden="true" /> not contributing</li>
          <li><span className="swatch liar" aria-hidden="true" /> caught lying</li>
          <li><span className="dash" aria-hidden="true" /> reached through a relay</li>
          <li><span className="arrow" aria-hidden="true" /> route of the current generation: 1, 2, 3… are its hops in order</li>
        </ul>
      </figcaption>
    </figure>
  );
}
