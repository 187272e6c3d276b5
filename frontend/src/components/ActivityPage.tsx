import { useSyncExternalStore } from 'react';
import { bytes, num } from '../format';
import type { MetricsHistory, Sample } from '../metricsHistory';
import { LiveChart, type Point } from './LiveChart';
import '../styles/activity.css';

const series = (samples: readonly Sample[], f: (s: Sample) => number | null): Point[] => samples.map((s) => ({ t: s.at, v: f(s) }));
const fixed = (digits: number) => (v: number) => v.toFixed(digits);
const mb = (v: number) => (v / 1e6).toFixed(0);

/**
 * ActivityPage draws the node's last minutes live: generation speed, energy per token (with how
 * the energy is known), the node's CPU and memory, and the computer's memory in use.
 */
export function ActivityPage({ history }: { history: MetricsHistory }) {
  const samples = useSyncExternalStore(history.subscribe, history.snapshot);
  const last = samples.length ? samples[samples.length - 1] : null;
  const lastGen = [...samples].reverse().find((s) => s.mjPerToken !== null);
  const used = last && last.memTotal > 0 ? Math.round((100 * last.memUsed) / last.memTotal) : null;
  return (
    <section className="activity" aria-labelledby="activity-title" data-testid="activity-page">
      <h2 id="activity-title">Activity</h2>
      <p className="meta">This node, live: one sample a second from its event stream, the last {Math.round(history.windowMs / 60_000)} minutes.</p>
      {!last && <p className="card" data-testid="activity-waiting">Waiting for the node's first sample…</p>}
      {last && (
        <>
          <p className="card energy-label" data-testid="activity-energy">
            <span>Energy is</span>
            <span className={`badge ${last.energyKind}`} data-testid="activity-energy-kind">{last.energyKind}</span>
            <span>{last.energyDetail}</span>
            {lastGen && (
              <span className="meta">
                Last generation: {num(lastGen.tokensPerS)} tokens/s, {num(lastGen.mjPerToken, 0)} mJ/token.
              </span>
            )}
          </p>
          <div className="charts">
            <LiveChart testid="chart-tokens" title="Generation speed" unit="tokens/s" windowMs={history.windowMs}
              points={series(samples, (s) => s.tokensPerS)} format={fixed(1)} />
            <LiveChart testid="chart-energy" title={`Energy per token (${last.energyKind})`} unit="mJ/token" windowMs={history.windowMs}
              points={series(samples, (s) => s.mjPerToken)} format={fixed(0)} />
            <LiveChart testid="chart-cpu" title="CPU of the node (% of one core)" unit="%" windowMs={history.windowMs}
              points={series(samples, (s) => s.cpuPercent)} format={fixed(0)} />
            <LiveChart testid="chart-memory" title="Memory of the node (resident)" unit="MB" windowMs={history.windowMs}
              points={series(samples, (s) => s.rssBytes)} format={mb} />
          </div>
          {used !== null && (
            <div className="card memory-bar">
              <label htmlFor="activity-mem">Memory in use on this computer</label>
              <progress id="activity-mem" data-testid="activity-mem" max={last.memTotal} value={last.memUsed}
                aria-valuetext={`${bytes(last.memUsed)} of ${bytes(last.memTotal)} (${used}%)`} />
              <p className="meta" aria-hidden="true">{bytes(last.memUsed)} of {bytes(last.memTotal)} ({used}%)</p>
            </div>
          )}
        </>
      )}
    </section>
  );
}
