import type { ContributionStatus } from '../api/types';

export interface ContributeSwitchProps {
  /** the saved choice (policy.contribute) */
  on: boolean;
  status: ContributionStatus;
  busy: boolean;
  onToggle(): void;
}

/** ContributeSwitch lends this computer to peers or not, and says why it is not contributing. */
export function ContributeSwitch({ on, status, busy, onToggle }: ContributeSwitchProps) {
  return (
    <div className="card contribute">
      <button role="switch" aria-checked={on} data-testid="contribute" className="switch" disabled={busy} onClick={onToggle}>
        <span className="knob" aria-hidden="true" />
        Contribute to the network
      </button>
      <p data-testid="contribution-status" className={status.contributing ? 'ok' : 'meta'}>{describe(on, status)}</p>
    </div>
  );
}

function describe(on: boolean, s: ContributionStatus): string {
  if (s.contributing) {
    const jobs = s.active === 1 ? '1 peer job running' : `${s.active} peer jobs running`;
    return `Contributing: peers may run work here within the limits below (${jobs}).`;
  }
  if (!on || !s.reason || s.reason === 'off') {
    return 'Not contributing: switched off. Peers cannot use this computer; your own requests still run.';
  }
  return `Not contributing right now: ${s.reason}.`;
}
