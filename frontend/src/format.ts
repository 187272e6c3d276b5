// Number formatting for the readouts.

export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '—';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n.toFixed(0) : n.toFixed(n < 10 ? 2 : 1)} ${units[i]}`;
}

export function rate(bytesPerS: number): string {
  return bytesPerS > 0 ? `${bytes(bytesPerS)}/s` : '—';
}

export function eta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

export function percent(done: number, total: number): number {
  return total > 0 ? Math.min(100, Math.floor((100 * done) / total)) : 0;
}

/** tokensPerS gives a figure to show, or a dash while there is none yet. */
export function num(v: number | undefined | null, digits = 1): string {
  return v !== undefined && v !== null && Number.isFinite(v) && v > 0 ? v.toFixed(digits) : '—';
}

/** shortId shortens a peer ID the way the node's route lines do: 12D3…bCo7sr. */
export function shortId(id: string): string {
  return id.length > 12 ? `${id.slice(0, 4)}…${id.slice(-6)}` : id;
}

/** millis shows a latency; under 10 ms with one decimal. */
export function millis(v: number | undefined | null): string {
  if (v === undefined || v === null || !Number.isFinite(v) || v < 0) return '—';
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ms`;
}
