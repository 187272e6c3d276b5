import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { LedgerApi } from '../api/ledger';
import type { LedgerEntry, VerifyResponse } from '../api/types';
import { num } from '../format';
import { LedgerEnergy, energyText, notMeasuredHere } from './LedgerEnergy';
import { tokensPerS } from './LedgerTable';
import { LedgerVerifyResult } from './LedgerVerifyResult';

export interface LedgerEntryDetailProps {
  /** the entry as the list has it; the dialog reads it again from the node */
  entry: LedgerEntry;
  api: Pick<LedgerApi, 'entry' | 'verifyEntry'>;
  self: string;
  modelName?: string;
  onClose(): void;
}

const kindText: Record<string, string> = {
  local: 'Local: run here for you',
  remote: 'Remote: run on a peer for you',
  served: 'Served: run here for a peer',
  hop: "Hop: layers of a peer's pipeline, run here",
};

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** hex shows base64 bytes (signatures, receipts) as lowercase hex, as the hashes are shown. */
export function b64hex(b64: string): string {
  try {
    return Array.from(atob(b64), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
  } catch {
    return b64;
  }
}

const focusable = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * LedgerEntryDetail is one entry in a modal dialog: every field, its hashes and signatures, the
 * timings, the energy with how it was obtained, and a check of the entry. The heading takes the
 * focus when it opens; Escape or Close closes it (the page returns the focus to the row).
 */
export function LedgerEntryDetail({ entry, api, self, modelName, onClose }: LedgerEntryDetailProps) {
  const [e, setE] = useState(entry);
  const [error, setError] = useState<string | null>(null);
  const [check, setCheck] = useState<VerifyResponse | null>(null);
  const [checking, setChecking] = useState(false);
  const dialog = useRef<HTMLDivElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const id = useId();

  useEffect(() => heading.current?.focus(), []);
  // Escape closes wherever the focus is (a click on the text puts it on the page's body).
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const onKey = (ev: globalThis.KeyboardEvent) => {
      if (ev.key === 'Escape' && !ev.defaultPrevented) {
        ev.preventDefault();
        close.current();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);
  useEffect(() => {
    let live = true;
    api.entry(entry.seq).then((got) => live && setE(got), (err) => live && setError(message(err)));
    return () => { live = false; };
  }, [api, entry.seq]);

  const verify = async () => {
    if (checking) return;
    setChecking(true);
    setCheck(null);
    setError(null);
    try {
      setCheck(await api.verifyEntry(e.seq));
    } catch (err) {
      setError(message(err));
    } finally {
      setChecking(false);
    }
  };

  // Tab stays within the dialog while it is open; Escape leaves it (above).
  const onKeyDown = (ev: KeyboardEvent) => {
    if (ev.key !== 'Tab' || !dialog.current) return;
    const all = Array.from(dialog.current.querySelectorAll<HTMLElement>(focusable));
    if (all.length === 0) return;
    const first = all[0];
    const last = all[all.length - 1];
    const at = document.activeElement;
    if (ev.shiftKey && (at === first || at === heading.current)) {
      ev.preventDefault();
      last.focus();
    } else if (!ev.shiftKey && at === last) {
      ev.preventDefault();
      first.focus();
    }
  };

  const who = (p: string) => (p === self ? `${p} (this node)` : p);
  const rows: [string, ReactNode, string?][] = [
    ['Request', <code>{e.request_id}</code>],
    ['Kind', kindText[e.kind] ?? e.kind],
    ['Started', `${new Date(e.started_at).toLocaleString()} (${new Date(e.started_at).toISOString()})`],
    ['Duration', `${e.duration_ms} ms`],
    ['Tokens', `${e.prompt_tokens} prompt → ${e.gen_tokens} generated (${num(tokensPerS(e))} tokens/s)`],
    ['Layers', <code>[{e.layer_from},{e.layer_to})</code>],
    ['Model', <>{modelName && <>{modelName} </>}<code className="hash">{e.model_sha256}</code></>],
    ['Energy', <LedgerEnergy e={e} long />, 'energy'],
    ['Energy per token', notMeasuredHere(e) || e.gen_tokens === 0 ? '—' : `${energyText(e.energy_mj / e.gen_tokens)} per generated token`],
    ['Requester', <code className="hash">{who(e.requester)}</code>],
    ['Worker', <code className="hash">{who(e.worker)}</code>],
    ['Input hash', <code className="hash">{e.input_hash}</code>],
    ['Output hash', <code className="hash">{e.output_hash}</code>],
    ['Previous entry hash', <code className="hash">{e.prev_hash}</code>],
    ['Entry hash', <code className="hash" data-testid="ledger-detail-hash">{e.hash}</code>],
    ['Signature (this ledger\'s owner)', <code className="hash">{b64hex(e.sig)}</code>],
  ];
  if (e.receipt) {
    rows.push(
      ['Receipt signed by', <code className="hash">{who(e.receipt.signer)}</code>],
      ['Receipt payload', <code className="hash">{b64hex(e.receipt.payload)}</code>],
      ['Receipt signature', <code className="hash">{b64hex(e.receipt.sig)}</code>],
    );
  } else {
    rows.push(['Receipt', e.kind === 'local' ? 'none: the work was this node\'s own' : 'none']);
  }

  return (
    <div className="ledger-backdrop" onMouseDown={(ev) => ev.target === ev.currentTarget && onClose()}>
      <div ref={dialog} role="dialog" aria-modal="true" aria-labelledby={`${id}-title`} className="ledger-dialog"
        data-testid="ledger-detail" onKeyDown={onKeyDown}>
        <header className="ledger-dialog-head">
          <h2 id={`${id}-title`} ref={heading} tabIndex={-1}>Ledger entry #{e.seq}</h2>
          <button type="button" data-testid="ledger-detail-close" onClick={onClose}>Close</button>
        </header>
        {error && <p role="alert" className="error">{error}</p>}
        <dl className="ledger-fields">
          {rows.map(([k, v, testid]) => (
            <div key={k} data-testid={testid ? `ledger-detail-${testid}` : undefined}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
        <div className="toolbar">
          {/* aria-disabled, not disabled: a disabled button would drop the keyboard's focus to the page */}
          <button type="button" data-testid="ledger-detail-verify" aria-disabled={checking} onClick={() => void verify()}>
            Check this entry
          </button>
        </div>
        <div aria-live="polite" data-testid="ledger-detail-check">
          {checking && <p className="meta">Checking…</p>}
          {check && <LedgerVerifyResult r={check} seq={e.seq} receipt={!!e.receipt} />}
        </div>
      </div>
    </div>
  );
}
