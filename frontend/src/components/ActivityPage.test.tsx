import { act, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { MetricsEvent } from '../api/types';
import { MetricsHistory } from '../metricsHistory';
import { ActivityPage } from './ActivityPage';

const ev = (over: Partial<MetricsEvent> = {}): MetricsEvent => ({
  cpu_percent: 40, rss_bytes: 250e6, mem_used: 4e9, mem_total: 16e9, active: false, tokens_per_s: 0, mj_per_token: 0,
  energy_kind: 'estimated', energy_detail: 'estimated: CPU time × 10 W per busy core', ...over,
});

describe('ActivityPage', () => {
  it('waits for the first sample, then draws each series live with its figures', () => {
    let now = 1_000_000;
    const h = new MetricsHistory(5 * 60_000, () => now);
    render(<ActivityPage history={h} />);
    expect(screen.getByTestId('activity-waiting')).toBeTruthy();

    const feed = (m: MetricsEvent) => act(() => {
      now += 1_000;
      h.push(m);
    });
    feed(ev({ cpu_percent: 5 }));
    feed(ev({ active: true, tokens_per_s: 28, mj_per_token: 420, cpu_percent: 190, rss_bytes: 310e6 }));
    feed(ev({ active: true, tokens_per_s: 31, mj_per_token: 400, cpu_percent: 195, rss_bytes: 320e6 }));
    expect(screen.queryByTestId('activity-waiting')).toBeNull();
    expect(screen.getByTestId('chart-tokens-now').textContent).toBe('31.0 tokens/s');
    expect(screen.getByTestId('chart-tokens-summary').textContent).toContain('min 0.0 tokens/s');
    expect(screen.getByTestId('chart-tokens-summary').textContent).toContain('max 31.0 tokens/s');
    expect(screen.getByTestId('chart-energy-summary').textContent).toContain('min 400 mJ/token');
    expect(screen.getByTestId('chart-cpu-now').textContent).toBe('195 %');
    expect(screen.getByTestId('chart-memory-now').textContent).toBe('320 MB');

    // The generation ends: speed drops to 0 and the energy series has a gap, while the last figures stay readable.
    feed(ev({ tokens_per_s: 31, mj_per_token: 400 }));
    feed(ev({ tokens_per_s: 31, mj_per_token: 400 }));
    expect(screen.getByTestId('chart-tokens-now').textContent).toBe('0.0 tokens/s');
    expect(screen.getByTestId('chart-energy-now').textContent).toBe('—');
    expect(screen.getByTestId('activity-energy').textContent).toContain('Last generation: 31.0 tokens/s, 400 mJ/token');
  });

  it('says how energy is known, and the memory bar exposes its value', () => {
    const h = new MetricsHistory();
    h.push(ev({ energy_kind: 'measured', energy_detail: 'measured: RAPL package counter', mem_used: 4e9, mem_total: 16e9 }));
    render(<ActivityPage history={h} />);
    expect(screen.getByTestId('activity-energy-kind').textContent).toBe('measured');
    expect(screen.getByTestId('activity-energy').textContent).toContain('RAPL package counter');
    expect(screen.getByRole('figure', { name: 'Energy per token (measured)' })).toBeTruthy();
    const bar = screen.getByRole('progressbar', { name: 'Memory in use on this computer' });
    expect(bar.getAttribute('value')).toBe('4000000000');
    expect(bar.getAttribute('max')).toBe('16000000000');
    expect(bar.getAttribute('aria-valuetext')).toBe('4.00 GB of 16.0 GB (25%)');
  });
});
