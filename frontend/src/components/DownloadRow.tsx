import type { Progress } from '../api/types';
import { bytes, eta, percent, rate } from '../format';

/** DownloadRow shows one download's progress with cancel/resume. */
export function DownloadRow({ p, onCancel, onResume }: { p: Progress; onCancel(): void; onResume(): void }) {
  const pc = percent(p.done, p.total);
  return (
    <div className="download" data-state={p.state}>
      <progress max={100} value={pc} aria-label={`${p.file} ${pc}%`} />
      <span>{p.state}</span>
      <span>{bytes(p.done)} of {bytes(p.total)} ({pc}%)</span>
      {p.state === 'downloading' && <span>{rate(p.bytes_per_s)}, {eta(p.eta_s)} left</span>}
      {p.error && <span className="error">{p.error}</span>}
      {(p.state === 'downloading' || p.state === 'queued') && <button onClick={onCancel}>Cancel</button>}
      {(p.state === 'cancelled' || p.state === 'failed') && <button onClick={onResume}>Resume</button>}
    </div>
  );
}
