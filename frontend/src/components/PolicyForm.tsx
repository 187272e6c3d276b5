import { useEffect, useState } from 'react';
import type { Policy } from '../api/types';

type NumberField = 'max_cpu_percent' | 'max_threads' | 'peer_requests_per_minute' | 'max_concurrent';

interface Draft {
  max_cpu_percent: string;
  max_threads: string;
  hours: string;
  pause_on_battery: boolean;
  pause_on_metered: boolean;
  peer_requests_per_minute: string;
  max_concurrent: string;
}

const numbers: { key: NumberField; label: string }[] = [
  { key: 'max_cpu_percent', label: 'CPU share for peers (% of the cores)' },
  { key: 'max_threads', label: 'Max threads for a peer job (0: no cap)' },
  { key: 'peer_requests_per_minute', label: 'Requests per peer per minute' },
  { key: 'max_concurrent', label: 'Peer jobs at once' },
];

function toDraft(p: Policy): Draft {
  return {
    max_cpu_percent: String(p.max_cpu_percent), max_threads: String(p.max_threads), hours: p.hours,
    pause_on_battery: p.pause_on_battery, pause_on_metered: p.pause_on_metered, peer_requests_per_minute: String(p.peer_requests_per_minute),
    max_concurrent: String(p.max_concurrent),
  };
}

export interface PolicyFormProps {
  value: Policy;
  /** onSave sends the whole policy; it rejects with the node's message (naming the bad field). */
  onSave(p: Policy): Promise<void>;
}

/** PolicyForm edits the limits on peers' work; the node validates and its message is shown. */
export function PolicyForm({ value, onSave }: PolicyFormProps) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(value));
  const [dirty, setDirty] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  // Follow the node (the tray or another window may change the policy) unless the user is editing.
  useEffect(() => {
    if (!dirty) setDraft(toDraft(value));
  }, [value, dirty]);

  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setDraft((d) => ({ ...d, [k]: v }));
    setDirty(true);
    setSaved(false);
  };
  const submit = async () => {
    setError(null);
    const p: Policy = { ...value, hours: draft.hours.trim(), pause_on_battery: draft.pause_on_battery, pause_on_metered: draft.pause_on_metered };
    for (const { key } of numbers) {
      const n = Number(draft[key]);
      if (draft[key].trim() === '' || !Number.isInteger(n)) {
        setError(`${key}: "${draft[key]}" is not a whole number`);
        return;
      }
      p[key] = n;
    }
    try {
      await onSave(p);
      setDirty(false);
      setSaved(true);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    }
  };
  const bad = error ? /^(\w+):/.exec(error)?.[1] : undefined;
  const invalid = (k: string) => (bad === k ? { 'aria-invalid': true, 'aria-describedby': 'policy-error' } : {});

  return (
    <form className="card policy" aria-label="Limits on peers' work" noValidate
      onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3>Limits on peers' work</h3>
      {numbers.map(({ key, label }) => (
        <label key={key}>
          {label}
          <input type="number" step={1} data-testid={`policy-${key}`} value={draft[key]} {...invalid(key)}
            onChange={(e) => set(key, e.target.value)} />
        </label>
      ))}
      <label>
        Hours (HH:MM-HH:MM local time; empty: any time)
        <input data-testid="policy-hours" value={draft.hours} placeholder="22:00-07:00" {...invalid('hours')}
          onChange={(e) => set('hours', e.target.value)} />
      </label>
      <label className="check">
        <input type="checkbox" data-testid="policy-pause_on_battery" checked={draft.pause_on_battery}
          onChange={(e) => set('pause_on_battery', e.target.checked)} />
        Pause on battery
      </label>
      <label className="check">
        <input type="checkbox" data-testid="policy-pause_on_metered" checked={draft.pause_on_metered}
          onChange={(e) => set('pause_on_metered', e.target.checked)} />
        Pause on a metered network
      </label>
      <div className="row">
        <button type="submit" data-testid="policy-save" disabled={!dirty}>Save limits</button>
        {saved && <span role="status" className="ok">Saved</span>}
      </div>
      {error && <p id="policy-error" role="alert" className="error">{error}</p>}
    </form>
  );
}
