import { useCallback, useEffect, useRef, useState } from 'react';
import type { Client } from '../api/client';
import type { LedgerEntry, LedgerKind, VerifyResponse } from '../api/types';
import { LedgerTable } from './LedgerTable';

export type LedgerClient = Pick<Client, 'ledger' | 'verifyLedger' | 'network' | 'events'>;

// The node answers at most 1000 entries.
const limit = 1000;

const kinds: { value: LedgerKind | ''; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'local', label: 'Local: run here for you' },
  { value: 'remote', label: 'Remote: run on a peer for you' },
  { value: 'served', label: 'Served: run here for a peer' },
  { value: 'hop', label: "Hop: layers of a peer's pipeline, run here" },
];

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** LedgerPage lists the signed record of inferences, newest first, and checks the chain. */
export function LedgerPage({ client }: { client: LedgerClient }) {
  const [kind, setKind] = useState<LedgerKind | ''>('');
  const [entries, setEntries] = useState<LedgerEntry[] | null>(null);
  const [self, setSelf] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [check, setCheck] = useState<VerifyResponse | null>(null);
  const [verifying, setVerifying] = useState(false);
  const latest = useRef(0); // answers to older requests (another filter) are dropped

  const load = useCallback(async () => {
    const n = ++latest.current;
    try {
      const r = await client.ledger({ limit, kind: kind || undefined });
      if (n !== latest.current) return;
      setEntries([...r.entries].sort((a, b) => b.seq - a.seq));
      setError(null);
    } catch (e) {
      if (n === latest.current) setError(message(e));
    }
  }, [client, kind]);

  useEffect(() => {
    client.network().then((n) => setSelf(n.peer_id), () => setSelf(''));
  }, [client]);
  useEffect(() => {
    void load();
    return client.events(['ledger'], () => {
      setCheck(null); // a new entry: the last check no longer covers the whole ledger
      void load();
    });
  }, [client, load]);

  const verify = async () => {
    setVerifying(true);
    setError(null);
    try {
      setCheck(await client.verifyLedger());
    } catch (e) {
      setError(message(e));
    } finally {
      setVerifying(false);
    }
  };

  return (
    <section className="ledger" aria-label="Ledger" data-testid="ledger-page">
      <div className="toolbar">
        <label>
          Kind{' '}
          <select data-testid="ledger-filter" value={kind} onChange={(e) => setKind(e.target.value as LedgerKind | '')}>
            {kinds.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
          </select>
        </label>
        <button data-testid="verify" disabled={verifying} onClick={() => void verify()}>Verify</button>
      </div>
      {check && <VerifyResult r={check} />}
      {error && <p role="alert" className="error">{error}</p>}
      {entries === null && !error && <p className="meta">Loading…</p>}
      {entries && entries.length === 0 && (
        <p data-testid="ledger-empty" className="card">
          {kind
            ? `No ${kind} entries.`
            : 'No entries yet — every request this node runs, or runs for a peer, is recorded here, signed and chained. Send a message in Chat to make the first one.'}
        </p>
      )}
      {entries && entries.length > 0 && <LedgerTable entries={entries} self={self} />}
    </section>
  );
}

function VerifyResult({ r }: { r: VerifyResponse }) {
  const problems = r.report.problems ?? [];
  if (r.ok && problems.length === 0) {
    const n = r.report.entries;
    return <p role="status" data-testid="verify-result" className="ok">Ledger OK: {n} {n === 1 ? 'entry' : 'entries'}</p>;
  }
  return (
    <div role="alert" data-testid="verify-result" className="error">
      <p>Ledger check failed: {problems.length} {problems.length === 1 ? 'problem' : 'problems'} in {r.report.entries} entries</p>
      <ul>
        {problems.map((p, i) => <li key={`${p.seq}:${i}`} data-testid="verify-problem">Entry #{p.seq}: {p.kind} — {p.detail}</li>)}
      </ul>
    </div>
  );
}
