import type { LedgerEntry } from '../api/types';

/** energyText shows millijoules in the unit that keeps the figure short. */
export function energyText(mj: number): string {
  if (!Number.isFinite(mj) || mj < 0) return '—';
  if (mj < 1000) return `${Math.round(mj)} mJ`;
  if (mj < 1_000_000) return `${(mj / 1000).toFixed(mj < 10_000 ? 2 : 1)} J`;
  return `${(mj / 1_000_000).toFixed(2)} kJ`;
}

/** notMeasuredHere: a request run on a peer; the peer keeps its own energy figure. */
export const notMeasuredHere = (e: Pick<LedgerEntry, 'kind' | 'energy_mj'>) => e.kind === 'remote' && e.energy_mj === 0;

/** energyHow says how an entry's energy was obtained (what the node records for each kind: backend/route). */
export function energyHow(e: Pick<LedgerEntry, 'kind' | 'energy_mj' | 'energy_label'>): string {
  if (notMeasuredHere(e)) return 'not measured here: the work ran on a peer, which keeps its own figure';
  if (e.energy_label === 'measured') return "measured: the CPU package's RAPL energy counters over the request (the whole package, other programs included)";
  if (e.kind === 'served' || e.kind === 'hop') return 'estimated: the time the work took × its threads × a power figure per busy core';
  return "estimated: this process's CPU time × a power figure per busy core (no readable energy counter)";
}

/** LedgerEnergy shows an entry's energy with its label, measured or estimated, and how (tooltip and text for screen readers). */
export function LedgerEnergy({ e, long = false }: { e: LedgerEntry; long?: boolean }) {
  const how = energyHow(e);
  if (notMeasuredHere(e)) {
    return <span className="ledger-energy" data-testid="ledger-energy" title={how}>— <span className="badge">on a peer</span></span>;
  }
  return (
    <span className="ledger-energy" data-testid="ledger-energy" title={how}>
      {energyText(e.energy_mj)} <span className={`badge ${e.energy_label}`}>{e.energy_label}</span>
      {long && <span className="ledger-how" data-testid="ledger-energy-how"> {how}</span>}
    </span>
  );
}
