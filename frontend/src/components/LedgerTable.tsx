import { useEffect, useRef } from 'react';
import type { LedgerEntry } from '../api/types';
import { num, shortId } from '../format';
import { LedgerEnergy } from './LedgerEnergy';

export interface LedgerTableProps {
  entries: LedgerEntry[];
  /** this node's peer ID, named "this node" */
  self: string;
  /** onOpen shows an entry's detail; from is the control that opened it (focus returns there). */
  onOpen(e: LedgerEntry, from: HTMLElement): void;
  caption: string;
}

/** tokensPerS is an entry's generation speed. */
export const tokensPerS = (e: LedgerEntry) => (e.duration_ms > 0 ? (e.gen_tokens * 1000) / e.duration_ms : undefined);

/** LedgerTable shows ledger entries in the order given; each entry's number opens its detail. */
export function LedgerTable({ entries, self, onOpen, caption }: LedgerTableProps) {
  const who = (id: string) => (id && id === self ? 'this node' : shortId(id));
  return (
    <table className="table ledger-table" data-testid="ledger">
      <caption className="sr-only">{caption}</caption>
      <thead>
        <tr>
          <th scope="col">Entry</th><th scope="col">Time</th><th scope="col">Kind</th><th scope="col">Model</th>
          <th scope="col">Layers</th><th scope="col">Tokens (prompt → generated)</th><th scope="col">Tokens/s</th>
          <th scope="col">Energy</th><th scope="col">Requester</th><th scope="col">Worker</th><th scope="col">Receipt</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <tr key={e.seq} data-testid="ledger-entry" data-seq={e.seq} title={`#${e.seq} · ${e.request_id}`}
            onClick={(ev) => {
              // A click anywhere on the row opens it too; the button is the keyboard's way in.
              // Not after selecting text to copy it.
              const b = ev.currentTarget.querySelector('button');
              if (b && !b.contains(ev.target as Node) && !window.getSelection()?.toString()) onOpen(e, b);
            }}>
            <th scope="row">
              <button type="button" className="ledger-open" data-testid="ledger-open" aria-haspopup="dialog"
                aria-label={`Entry ${e.seq}: details`} onClick={(ev) => onOpen(e, ev.currentTarget)}>
                #{e.seq}
              </button>
            </th>
            <td>{new Date(e.started_at).toLocaleString()}</td>
            <td data-testid="ledger-kind">{e.kind}</td>
            <td title={e.model_sha256}><code>{e.model_sha256.slice(0, 8) || '—'}</code></td>
            <td><code>[{e.layer_from},{e.layer_to})</code></td>
            <td>{e.prompt_tokens} → {e.gen_tokens}</td>
            <td>{num(tokensPerS(e))}</td>
            <td><LedgerEnergy e={e} /></td>
            <td title={e.requester}>{who(e.requester)}</td>
            <td title={e.worker}>{who(e.worker)}</td>
            <td>
              {e.receipt && <span className="badge measured" title={`signed by ${e.receipt.signer}`}>receipt</span>}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export interface LedgerPagerProps {
  total: number;
  offset: number;
  limit: number;
  onPage(offset: number): void;
  onLimit(limit: number): void;
}

export const pageSizes = [25, 50, 100, 250];

/** LedgerPager moves through the pages of the list and says which entries are shown. */
export function LedgerPager({ total, offset, limit, onPage, onLimit }: LedgerPagerProps) {
  const pages = Math.max(1, Math.ceil(total / limit));
  const page = Math.floor(offset / limit) + 1;
  const last = (pages - 1) * limit;
  const nav = useRef<HTMLElement>(null);
  const pressed = useRef<HTMLButtonElement | null>(null);
  // A button that the move disabled (Next on the last page) would drop the focus to the page:
  // it goes to the first button still enabled.
  useEffect(() => {
    if (pressed.current?.disabled) nav.current?.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
    pressed.current = null;
  }, [offset]);
  const go = (to: number) => (ev: { currentTarget: HTMLButtonElement }) => {
    pressed.current = ev.currentTarget;
    onPage(to);
  };
  return (
    <nav ref={nav} className="ledger-pager" aria-label="Ledger pages" data-testid="ledger-pager">
      <button type="button" data-testid="page-first" disabled={offset === 0} onClick={go(0)}>First</button>
      <button type="button" data-testid="page-prev" disabled={offset === 0} onClick={go(Math.max(0, offset - limit))}>Previous</button>
      <span data-testid="page-of">Page {page} of {pages}</span>
      <button type="button" data-testid="page-next" disabled={offset + limit >= total} onClick={go(offset + limit)}>Next</button>
      <button type="button" data-testid="page-last" disabled={offset >= last} onClick={go(last)}>Last</button>
      <label>
        Entries per page{' '}
        <select data-testid="page-size" value={limit} onChange={(e) => onLimit(Number(e.target.value))}>
          {pageSizes.map((n) => <option key={n} value={n}>{n}</option>)}
        </select>
      </label>
    </nav>
  );
}
