// The last minutes of the node's "metrics" events (one a second, backend/metrics Meter.Run),
// kept by the app from its start so that the Activity page has a history when it opens.
// Components read it with useSyncExternalStore: only they re-render on each sample.
import type { EnergyKind, MetricsEvent } from './api/types';

export interface Sample {
  /** when it arrived (ms since the epoch) */
  at: number;
  /** tokens/s over this second: the running generation's rate, the rate of one that ended since the last sample, else 0 */
  tokensPerS: number;
  /** mJ/token of the generation running or just ended; null while idle (nothing to divide) */
  mjPerToken: number | null;
  /** the node process's CPU, % of one core (200 = two cores busy) */
  cpuPercent: number;
  /** the node process's resident memory */
  rssBytes: number;
  memUsed: number;
  memTotal: number;
  energyKind: EnergyKind;
  energyDetail: string;
}

/** toSample reads one event; prev (the event before it) tells a generation that ended in between from an old figure. */
export function toSample(m: MetricsEvent, prev: MetricsEvent | null, at: number): Sample {
  // The node keeps the last generation's figures after it ends: they are new only when they changed.
  const fresh = m.active || (prev !== null && (m.tokens_per_s !== prev.tokens_per_s || m.mj_per_token !== prev.mj_per_token));
  return {
    at,
    tokensPerS: fresh ? m.tokens_per_s : 0,
    mjPerToken: fresh && m.mj_per_token > 0 ? m.mj_per_token : null,
    cpuPercent: m.cpu_percent,
    rssBytes: m.rss_bytes,
    memUsed: m.mem_used,
    memTotal: m.mem_total,
    energyKind: m.energy_kind,
    energyDetail: m.energy_detail,
  };
}

export class MetricsHistory {
  private samples: readonly Sample[] = [];
  private prev: MetricsEvent | null = null;
  private listeners = new Set<() => void>();

  /** windowMs is how far back samples are kept. */
  constructor(readonly windowMs = 5 * 60_000, private now: () => number = Date.now) {}

  push(m: MetricsEvent): void {
    const at = this.now();
    const s = toSample(m, this.prev, at);
    this.prev = m;
    this.samples = [...this.samples.filter((x) => x.at > at - this.windowMs), s];
    this.listeners.forEach((f) => f());
  }

  /** snapshot is the samples, oldest first; the same array until the next push. */
  snapshot = (): readonly Sample[] => this.samples;

  subscribe = (f: () => void): (() => void) => {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  };
}
