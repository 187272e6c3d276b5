import { useState } from 'react';
import { fieldOf } from '../api/memory';
import type { Policy, PolicyResponse } from '../api/types';
import { ContributeSwitch } from './ContributeSwitch';
import { CheckField, TextField, reasonOf } from './SettingsPageField';

type NumberField = 'max_cpu_percent' | 'max_threads' | 'peer_requests_per_minute' | 'max_concurrent';

const numbers: { key: NumberField; label: string; hint: string }[] = [
  { key: 'max_cpu_percent', label: 'CPU share for peers (%)', hint: 'Share of this computer\'s cores a peer\'s job may use, 1 to 100.' },
  { key: 'max_threads', label: 'Threads for a peer job', hint: 'At most this many threads; 0: no cap beyond the CPU share.' },
  { key: 'peer_requests_per_minute', label: 'Requests per peer per minute', hint: 'At least 1.' },
  { key: 'max_concurrent', label: 'Peer jobs at once', hint: 'At least 1.' },
];

export interface SettingsPagePolicyProps {
  value: PolicyResponse;
  /** onSave sends the whole policy; it rejects with the node's error, whose param names the field. */
  onSave(p: Policy): Promise<void>;
}

/** SettingsPagePolicy is the contribution policy: each value applies when it is entered. */
export function SettingsPagePolicy({ value, onSave }: SettingsPagePolicyProps) {
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const p = value.policy;

  /** save sends p with one field changed; a refusal is shown beside the field the node names. */
  const save = async (field: string, next: Policy): Promise<boolean> => {
    setBusy(true);
    try {
      await onSave(next);
      setErrors((e) => ({ ...e, [field]: '' }));
      return true;
    } catch (e) {
      const f = fieldOf(e) ?? field;
      setErrors((es) => ({ ...es, [f]: reasonOf(e, f) }));
      return false;
    } finally {
      setBusy(false);
    }
  };
  const saveNumber = (key: NumberField) => async (raw: string): Promise<boolean> => {
    const n = Number(raw.trim());
    if (raw.trim() === '' || !Number.isInteger(n)) {
      setErrors((e) => ({ ...e, [key]: `"${raw}" is not a whole number` }));
      return false;
    }
    return save(key, { ...p, [key]: n });
  };
  const paused = p.paused_until && Date.parse(p.paused_until) > Date.now() ? new Date(p.paused_until) : null;

  return (
    <section className="card settings-section" aria-labelledby="settings-policy-title" data-testid="settings-policy">
      <h2 id="settings-policy-title">Contribution</h2>
      <ContributeSwitch on={p.contribute} status={value.status} busy={busy}
        onToggle={() => void save('contribute', { ...p, contribute: !p.contribute })} />
      {errors.contribute && <p role="alert" className="error">{errors.contribute}</p>}
      {paused && (
        <p className="row" data-testid="policy-paused">
          Paused until {paused.toLocaleString()}.
          <button type="button" onClick={() => void save('paused_until', { ...p, paused_until: undefined })}>Resume now</button>
        </p>
      )}
      <div className="settings-grid">
        {numbers.map(({ key, label, hint }) => (
          <TextField key={key} id={`policy-${key}`} type="number" label={label} hint={hint} value={String(p[key])}
            error={errors[key]} onCommit={saveNumber(key)} onRevert={() => setErrors((e) => ({ ...e, [key]: '' }))} />
        ))}
      </div>
      <TextField id="policy-hours" label="Hours" placeholder="22:00-07:00" value={p.hours} error={errors.hours}
        hint="When peers may use this computer, HH:MM-HH:MM in local time (it may wrap midnight); empty: any time."
        onCommit={(v) => save('hours', { ...p, hours: v.trim() })} onRevert={() => setErrors((e) => ({ ...e, hours: '' }))} />
      <CheckField id="policy-pause_on_battery" label="Pause on battery" checked={p.pause_on_battery}
        error={errors.pause_on_battery} onChange={(v) => void save('pause_on_battery', { ...p, pause_on_battery: v })} />
      <CheckField id="policy-pause_on_metered" label="Pause on a metered network" checked={p.pause_on_metered}
        error={errors.pause_on_metered}
        hint="A phone's hotspot or mobile broadband, as NetworkManager marks it (Linux). Where that is unknown the network counts as not metered."
        onChange={(v) => void save('pause_on_metered', { ...p, pause_on_metered: v })} />
    </section>
  );
}
