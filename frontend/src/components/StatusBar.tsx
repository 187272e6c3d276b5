import type { Status } from '../api/types';

export function StatusBar({ status, url }: { status: Status | null; url: string }) {
  const m = status?.model;
  return (
    <footer className="statusbar">
      <span>Node {url}</span>
      <span>{m ? `${m.id} · ${m.kernels} · ${m.threads} threads` : 'no model loaded'}</span>
      {m?.synthetic && <span className="badge">random weights</span>}
      {status?.energy_kind && <span title={status.energy_detail}>energy {status.energy_kind}</span>}
      {status && <span>v{status.version}</span>}
    </footer>
  );
}
