import type { EnergyKind } from '../api/types';
import { num } from '../format';

export interface ReadoutProps {
  tokensPerS?: number;
  mjPerToken?: number;
  energyKind?: EnergyKind;
  energyDetail?: string;
  live: boolean;
}

/** Readout shows generation speed and energy per token, always saying how energy was obtained. */
export function Readout({ tokensPerS, mjPerToken, energyKind, energyDetail, live }: ReadoutProps) {
  return (
    <div className={`readout${live ? ' live' : ''}`} aria-live="polite">
      <span className="figure">
        <strong data-testid="tokens-per-s">{num(tokensPerS)}</strong> tokens/s
      </span>
      <span className="figure">
        <strong data-testid="mj-per-token">{num(mjPerToken, 0)}</strong> mJ/token
      </span>
      {energyKind && (
        <span data-testid="energy-kind" className={`badge ${energyKind}`} title={energyDetail ?? ''}>
          {energyKind}
        </span>
      )}
    </div>
  );
}
