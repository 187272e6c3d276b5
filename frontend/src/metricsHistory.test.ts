import { describe, expect, it } from 'vitest';
import type { MetricsEvent } from './api/types';
import { MetricsHistory, toSample } from './metricsHistory';

const ev = (over: Partial<MetricsEvent> = {}): MetricsEvent => ({
  cpu_percent: 12, rss_bytes: 300e6, mem_used: 4e9, mem_total: 16e9, active: false, tokens_per_s: 0, mj_per_token: 0,
  energy_kind: 'estimated', energy_detail: 'CPU time × 10 W', ...over,
});

describe('toSample', () => {
  it('takes the running generation’s figures', () => {
    const s = toSample(ev({ active: true, tokens_per_s: 30, mj_per_token: 400 }), ev(), 5);
    expect(s).toMatchObject({ at: 5, tokensPerS: 30, mjPerToken: 400, cpuPercent: 12, rssBytes: 300e6 });
  });

  it('counts an idle node as 0 tokens/s and no mJ/token, though the node repeats its last figures', () => {
    const done = ev({ tokens_per_s: 30, mj_per_token: 400 });
    expect(toSample(done, done, 1)).toMatchObject({ tokensPerS: 0, mjPerToken: null });
    expect(toSample(done, null, 1)).toMatchObject({ tokensPerS: 0, mjPerToken: null }); // from before the app started
  });

  it('keeps a generation that started and ended between two samples', () => {
    const s = toSample(ev({ tokens_per_s: 31, mj_per_token: 390 }), ev({ tokens_per_s: 30, mj_per_token: 400 }), 1);
    expect(s).toMatchObject({ tokensPerS: 31, mjPerToken: 390 });
  });
});

describe('MetricsHistory', () => {
  it('keeps the window, oldest first, tells subscribers, and keeps its snapshot until the next push', () => {
    let now = 0;
    const h = new MetricsHistory(3_000, () => now);
    let told = 0;
    const stop = h.subscribe(() => told++);
    for (let i = 0; i < 5; i++) {
      now = i * 1_000;
      h.push(ev({ cpu_percent: i }));
    }
    expect(h.snapshot().map((s) => s.cpuPercent)).toEqual([2, 3, 4]);
    expect(h.snapshot()).toBe(h.snapshot());
    expect(told).toBe(5);
    stop();
    now = 5_000;
    h.push(ev());
    expect(told).toBe(5);
  });
});
