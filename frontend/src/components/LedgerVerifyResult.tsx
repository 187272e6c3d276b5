import type { VerifyResponse } from '../api/types';

/** LedgerVerifyResult says what a check of the ledger, or of one entry (seq), found. */
export function LedgerVerifyResult({ r, seq, receipt = false }: { r: VerifyResponse; seq?: number; receipt?: boolean }) {
  const problems = r.report.problems ?? [];
  if (r.ok && problems.length === 0) {
    const n = r.report.entries;
    return (
      <p data-testid="verify-result" className="ok">
        {seq === undefined
          ? `Ledger OK: ${n} ${n === 1 ? 'entry' : 'entries'}`
          : `Entry #${seq} OK: its fields match its hash, the owner's signature holds${receipt ? ', the peer signed its receipt' : ''}${
            seq > 1 ? `, and it follows entry #${seq - 1}` : ''}.`}
      </p>
    );
  }
  return (
    <div data-testid="verify-result" className="error">
      <p>
        {seq === undefined
          ? `Ledger check failed: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'} in ${r.report.entries} entries`
          : `Entry #${seq} check failed: ${problems.length} ${problems.length === 1 ? 'problem' : 'problems'}`}
      </p>
      <ul>
        {problems.map((p, i) => <li key={`${p.seq}:${i}`} data-testid="verify-problem">Entry #{p.seq}: {p.kind} — {p.detail}</li>)}
      </ul>
    </div>
  );
}
