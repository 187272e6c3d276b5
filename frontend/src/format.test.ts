import { describe, expect, it } from 'vitest';
import { bytes, eta, millis, percent, rate, shortId } from './format';

describe('format', () => {
  it.each([
    [0, '0 B'], [999, '999 B'], [1_187_801_280, '1.19 GB'], [52_400_000, '52.4 MB'],
  ])('bytes(%d) = %s', (n, s) => expect(bytes(n)).toBe(s));
  it('formats speed, time left and percent', () => {
    expect(rate(12_500_000)).toBe('12.5 MB/s');
    expect(rate(0)).toBe('—');
    expect(eta(75)).toBe('1 min 15 s');
    expect(eta(7300)).toBe('2 h 1 min');
    expect(percent(50, 200)).toBe(25);
    expect(percent(1, 0)).toBe(0);
  });
  it('shortens peer IDs like the node and shows latencies', () => {
    expect(shortId('12D3KooWCM8fT5yaaJMAAmuU9xspDjEuKx1215qYAZ7CLKgpEMSX')).toBe('12D3…gpEMSX');
    expect(shortId('short')).toBe('short');
    expect(millis(0.42)).toBe('0.4 ms');
    expect(millis(125.4)).toBe('125 ms');
    expect(millis(undefined)).toBe('—');
  });
});
