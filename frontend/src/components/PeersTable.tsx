import { useMemo, useState } from 'react';
import type { ModelCap, PeerInfo, RouteEvent } from '../api/types';
import { millis, num, shortId } from '../format';
import '../styles/peers.css';

/** Rows per page: the table stays short with hundreds of peers. */
export const PAGE = 25;

type Key = 'id' | 'tokens' | 'latency' | 'contributing' | 'connection' | 'seen';

const columns: { key: Key | null; label: string }[] = [
  { key: 'id', label: 'Peer' }, { key: null, label: 'Models (layers, SHA-256)' }, { key: null, label: 'Kernels' },
  { key: 'tokens', label: 'Tokens/s' }, { key: 'latency', label: 'Round trip' }, { key: 'connection', label: 'Connection' },
  { key: 'contributing', label: 'Contributing' }, { key: 'seen', label: 'Last seen' }, { key: null, label: 'Route' },
];

const value = (p: PeerInfo, k: Key): string | number => {
  switch (k) {
    case 'id': return p.id;
    case 'tokens': return p.caps.tokens_per_s;
    case 'latency': return p.latency_ms > 0 ? p.latency_ms : Infinity;
    case 'contributing': return p.caps.contributing ? 0 : 1;
    case 'connection': return p.connection;
    case 'seen': return -Date.parse(p.seen);
  }
};

/** ago says how long ago a time was, for the last-seen column. */
export function ago(iso: string, now: number): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return '—';
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 5) return 'just now';
  if (s < 120) return `${s} s ago`;
  if (s < 7200) return `${Math.round(s / 60)} min ago`;
  return new Date(t).toLocaleString();
}

function Models({ models }: { models: ModelCap[] | null }) {
  if (!models || models.length === 0) return <>none</>;
  return (
    <ul className="models-held">
      {models.map((m) => (
        <li key={`${m.sha256}:${m.from}`}>
          {m.name || 'unnamed'}{' '}
          <span className="meta">{m.from === 0 && m.to === m.layers ? `all ${m.layers} layers` : `layers ${m.from}–${m.to} of ${m.layers}`}</span>{' '}
          <code className="sha" title={m.sha256}>{m.sha256}</code>
        </li>
      ))}
    </ul>
  );
}

/**
 * PeersTable lists the peers this node knows: the text equivalent of the graph, sortable by
 * column and paged. Each peer's ID is short, with a button that copies it whole.
 */
export function PeersTable({ peers, liars = new Set(), route = null, now = Date.now() }: {
  peers: PeerInfo[]; liars?: Set<string>; route?: RouteEvent | null; now?: number;
}) {
  const [sort, setSort] = useState<{ key: Key; asc: boolean }>({ key: 'id', asc: true });
  const [page, setPage] = useState(0);
  const [filter, setFilter] = useState('');
  const [copied, setCopied] = useState('');

  const rows = useMemo(() => {
    const f = filter.trim().toLowerCase();
    const shown = f ? peers.filter((p) => p.id.toLowerCase().includes(f) || (p.caps.models ?? []).some((m) =>
      m.name.toLowerCase().includes(f) || m.sha256.startsWith(f)) || p.caps.kernels.toLowerCase().includes(f)) : peers;
    const dir = sort.asc ? 1 : -1;
    return [...shown].sort((a, b) => {
      const x = value(a, sort.key);
      const y = value(b, sort.key);
      if (x !== y) return (x < y ? -1 : 1) * dir;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    });
  }, [peers, sort, filter]);
  const pages = Math.max(1, Math.ceil(rows.length / PAGE));
  const at = Math.min(page, pages - 1);
  const hopsOf = new Map<string, number[]>();
  (route?.hops ?? []).forEach((h, i) => hopsOf.set(h.peer, [...(hopsOf.get(h.peer) ?? []), i + 1]));

  const copy = async (id: string) => {
    try {
      await navigator.clipboard.writeText(id);
      setCopied(`Copied ${shortId(id)}`);
    } catch {
      setCopied(`Could not copy: the full ID is ${id}`);
    }
  };
  const sortBy = (key: Key) => {
    // A new column sorts the useful way first: fastest, nearest, contributing, direct, latest.
    setSort((s) => ({ key, asc: s.key === key ? !s.asc : key !== 'tokens' }));
    setPage(0);
  };

  return (
    <div className="peers-table" data-testid="peers-table">
      <div className="toolbar">
        <label>
          Filter peers{' '}
          <input type="search" value={filter} data-testid="peers-filter" placeholder="ID, model, SHA-256 or kernels"
            onChange={(e) => { setFilter(e.target.value); setPage(0); }} />
        </label>
        <span role="status" className="meta" data-testid="peers-copied">{copied}</span>
      </div>
      <table className="table" data-testid="peers">
        <caption className="sr-only">Peers, {rows.length} of {peers.length}, sorted by {columns.find((c) => c.key === sort.key)?.label}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c.label} scope="col" aria-sort={c.key === sort.key ? (sort.asc ? 'ascending' : 'descending') : undefined}>
                {c.key ? (
                  <button className="sort" data-testid={`sort-${c.key}`} onClick={() => sortBy(c.key!)}>
                    {c.label}<span aria-hidden="true">{c.key === sort.key ? (sort.asc ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                ) : c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.slice(at * PAGE, (at + 1) * PAGE).map((p) => (
            <tr key={p.id} data-testid="peer" data-peer={p.id}>
              <th scope="row" className="peer-id">
                <code title={p.id}>{shortId(p.id)}</code>{' '}
                <button className="copy" aria-label={`Copy peer ID ${shortId(p.id)}`} data-testid="copy-peer" onClick={() => void copy(p.id)}>
                  Copy
                </button>
              </th>
              <td className="wrap"><Models models={p.caps.models} /></td>
              <td>{p.caps.kernels || '—'}</td>
              <td>{num(p.caps.tokens_per_s)}</td>
              <td>{millis(p.latency_ms > 0 ? p.latency_ms : null)}</td>
              <td>{p.connection === 'relayed' ? 'relayed' : 'direct'}</td>
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
              <td><time dateTime={p.seen} title={new Date(p.seen).toLocaleString()}>{ago(p.seen, now)}</time></td>
              <td data-testid="peer-hops">{hopsOf.has(p.id) ? `hop ${hopsOf.get(p.id)!.join(', ')}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length === 0 && <p className="meta">No peer matches “{filter}”.</p>}
      {pages > 1 && (
        <nav className="pager" aria-label="Peers pages">
          <button data-testid="peers-prev" disabled={at === 0} onClick={() => setPage(at - 1)}>Previous page</button>
          <span data-testid="peers-pageno">Page {at + 1} of {pages}</span>
          <button data-testid="peers-next" disabled={at >= pages - 1} onClick={() => setPage(at + 1)}>Next page</button>
        </nav>
      )}
    </div>
  );
}
