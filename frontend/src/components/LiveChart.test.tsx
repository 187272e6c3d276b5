import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { LiveChart, chartPath, niceTop, summarize } from './LiveChart';

describe('chartPath', () => {
  it('places points over time and value, y growing downwards', () => {
    expect(chartPath([{ t: 0, v: 0 }, { t: 50, v: 5 }, { t: 100, v: 10 }], 0, 100, 10, 100, 10)).toBe('M0.0 10.0 L50.0 5.0 L100.0 0.0');
  });

  it('breaks the line at gaps, draws a lone point as a short stroke, and leaves out points before the span', () => {
    const d = chartPath([{ t: -10, v: 3 }, { t: 0, v: 2 }, { t: 10, v: 4 }, { t: 20, v: null }, { t: 30, v: 6 }], 0, 100, 10, 100, 10);
    expect(d).toBe('M0.0 8.0 L10.0 6.0 M30.0 4.0 L32.0 4.0');
  });

  it('clamps values to the scale', () => {
    expect(chartPath([{ t: 0, v: 20 }, { t: 100, v: -1 }], 0, 100, 10, 100, 10)).toBe('M0.0 0.0 L100.0 10.0');
  });
});

describe('niceTop and summarize', () => {
  it('rounds the top of the scale up to 1, 2 or 5 × 10ⁿ', () => {
    expect([0, 0.7, 1, 1.2, 3, 7, 31, 412, 5000].map(niceTop)).toEqual([1, 1, 1, 2, 5, 10, 50, 500, 5000]);
  });

  it('gives the last value and the extremes, gaps left out', () => {
    expect(summarize([{ t: 0, v: 4 }, { t: 1, v: null }, { t: 2, v: 9 }, { t: 3, v: 6 }])).toEqual({ now: 6, min: 4, max: 9 });
    expect(summarize([{ t: 0, v: 4 }, { t: 1, v: null }])).toEqual({ now: null, min: 4, max: 4 });
    expect(summarize([])).toEqual({ now: null, min: null, max: null });
  });
});

describe('LiveChart', () => {
  it('is a figure named by its title whose text gives now, min and max of the span shown; the drawing is hidden from assistive technology', () => {
    const points = [{ t: 0, v: 99 }, { t: 60_000, v: 12 }, { t: 120_000, v: 30 }, { t: 180_000, v: 21 }];
    render(<LiveChart testid="c" title="Generation speed" unit="tokens/s" points={points} windowMs={120_000} format={(v) => v.toFixed(1)} />);
    const fig = screen.getByRole('figure', { name: 'Generation speed' });
    // 99 is older than the two minutes shown: not in min/max.
    expect(screen.getByTestId('c-summary').textContent).toBe('now 21.0 tokens/smin 12.0 tokens/smax 30.0 tokens/slast 2 min · scale 0–50.0');
    expect(fig.getAttribute('aria-describedby')).toBe(screen.getByTestId('c-summary').id);
    expect(fig.querySelector('svg')!.getAttribute('aria-hidden')).toBe('true');
    expect(fig.querySelector('path')!.getAttribute('d')).toMatch(/^M0\.0 /);
  });

  it('shows dashes before any value', () => {
    render(<LiveChart testid="c" title="Energy per token" unit="mJ/token" points={[]} windowMs={60_000} format={String} />);
    expect(screen.getByTestId('c-now').textContent).toBe('—');
  });
});
