import type { LedgerSum, LedgerTotals as Totals } from '../api/generated';
import { energyText } from './LedgerEnergy';

const groups: { key: 'given' | 'received' | 'local'; label: string; note: string }[] = [
  { key: 'given', label: 'Given to peers', note: 'served requests and pipeline hops run here' },
  { key: 'received', label: 'Received from peers', note: 'requests of yours that peers ran' },
  { key: 'local', label: 'Run here for you', note: 'local requests' },
];

const count = (n: number) => n.toLocaleString();

/** EnergyCell says how much energy and how it was obtained: measured, estimated, or both in part. */
function EnergyCell({ s, received }: { s: LedgerSum; received: boolean }) {
  if (s.entries === 0) return <>—</>;
  if (received && s.energy_mj === 0) {
    return <span title="A peer's energy is not measured here: each peer keeps its own figure">not measured here</span>;
  }
  const estimated = s.estimated_mj;
  const measured = s.energy_mj - estimated;
  if (measured > 0 && estimated > 0) {
    return (
      <>
        {energyText(s.energy_mj)}: {energyText(measured)} <span className="badge measured">measured</span>{' '}
        + {energyText(estimated)} <span className="badge estimated">estimated</span>
      </>
    );
  }
  const label = measured > 0 ? 'measured' : 'estimated';
  return <>{energyText(s.energy_mj)} <span className={`badge ${label}`}>{label}</span></>;
}

/** LedgerTotals sums the filtered entries: given to peers, received from them, and run here for this node's user. */
export function LedgerTotals({ t }: { t: Totals }) {
  return (
    <table className="table ledger-totals" data-testid="ledger-totals">
      <caption>Totals of the {count(t.entries)} {t.entries === 1 ? 'entry' : 'entries'} selected</caption>
      <thead>
        <tr>
          <th scope="col">Work</th><th scope="col">Entries</th><th scope="col">Prompt tokens</th>
          <th scope="col">Generated tokens</th><th scope="col">Energy</th>
        </tr>
      </thead>
      <tbody>
        {groups.map((g) => {
          const s = t[g.key];
          return (
            <tr key={g.key} data-testid={`totals-${g.key}`}>
              <th scope="row">{g.label} <span className="meta">({g.note})</span></th>
              <td>{count(s.entries)}</td>
              <td>{count(s.prompt_tokens)}</td>
              <td>{count(s.gen_tokens)}</td>
              <td><EnergyCell s={s} received={g.key === 'received'} /></td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
