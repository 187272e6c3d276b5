import { useId } from 'react';
import '../styles/activity.css';

export interface Point {
  /** time (ms) */
  t: number;
  /** value; null leaves a gap (nothing to show then) */
  v: number | null;
}

const W = 300;
const H = 64;

/**
 * chartPath draws points over [t0, t1] × [0, top] into a W×H box (y grows downwards): one
 * "M … L …" run per stretch without gaps; a lone point is a short flat stroke so that it shows.
 */
export function chartPath(points: Point[], t0: number, t1: number, top: number, w = W, h = H): string {
  const span = Math.max(1, t1 - t0);
  const scale = top > 0 ? top : 1;
  const runs: [number, number][][] = [[]];
  for (const p of points) {
    if (p.t < t0 || p.v === null || !Number.isFinite(p.v)) {
      if (runs[runs.length - 1].length) runs.push([]);
      continue;
    }
    runs[runs.length - 1].push([((p.t - t0) / span) * w, h - (Math.min(Math.max(p.v, 0), scale) / scale) * h]);
  }
  const xy = ([x, y]: [number, number]) => `${x.toFixed(1)} ${y.toFixed(1)}`;
  return runs
    .filter((r) => r.length > 0)
    .map((r) => (r.length === 1 ? [r[0], [r[0][0] + 2, r[0][1]] as [number, number]] : r))
    .map((r) => r.map((p, i) => `${i ? 'L' : 'M'}${xy(p)}`).join(' '))
    .join(' ');
}

/** niceTop rounds a maximum up to 1, 2 or 5 × 10ⁿ, so that the scale changes seldom. */
export function niceTop(max: number): number {
  if (!(max > 0) || !Number.isFinite(max)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  return ([1, 2, 5, 10].find((k) => k * p >= max) ?? 10) * p;
}

export interface Summary {
  now: number | null;
  min: number | null;
  max: number | null;
}

/** summarize gives the last value and the extremes of the values shown (gaps left out). */
export function summarize(points: Point[]): Summary {
  const vs = points.map((p) => p.v).filter((v): v is number => v !== null && Number.isFinite(v));
  if (vs.length === 0) return { now: null, min: null, max: null };
  return { now: points[points.length - 1].v, min: Math.min(...vs), max: Math.max(...vs) };
}

export interface LiveChartProps {
  title: string;
  /** unit after each figure in the summary ("tokens/s") */
  unit: string;
  points: Point[];
  /** the time span shown, ending at the last point */
  windowMs: number;
  format(v: number): string;
  /** a fixed top of the scale (e.g. 100 for a share); else from the data */
  top?: number;
  testid: string;
}

/**
 * LiveChart is a small line chart of the last minutes. The drawing is decorative to assistive
 * technology: the figure's text (now, min, max over the span) is its alternative, shown to all.
 */
export function LiveChart({ title, unit, points, windowMs, format, top, testid }: LiveChartProps) {
  const id = useId();
  const t1 = points.length ? points[points.length - 1].t : 0;
  const t0 = t1 - windowMs;
  const shown = points.filter((p) => p.t >= t0);
  const s = summarize(shown);
  const scale = top ?? niceTop(s.max ?? 0);
  const f = (v: number | null) => (v === null ? '—' : `${format(v)} ${unit}`);
  const minutes = Math.round(windowMs / 60_000);
  return (
    <figure className="chart card" data-testid={testid} aria-labelledby={`${id}-title`} aria-describedby={`${id}-summary`}>
      <figcaption id={`${id}-title`} className="chart-title">{title}</figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="none" aria-hidden="true" focusable="false" className="chart-plot">
        <line x1="0" y1={H - 0.5} x2={W} y2={H - 0.5} className="chart-axis" />
        <path d={chartPath(shown, t0, t1, scale)} className="chart-line" vectorEffect="non-scaling-stroke" />
      </svg>
      <p id={`${id}-summary`} className="chart-summary" data-testid={`${testid}-summary`}>
        <span>now <strong data-testid={`${testid}-now`}>{f(s.now)}</strong></span>
        <span>min {f(s.min)}</span>
        <span>max {f(s.max)}</span>
        <span className="meta">last {minutes} min · scale 0–{format(scale)}</span>
      </p>
    </figure>
  );
}
