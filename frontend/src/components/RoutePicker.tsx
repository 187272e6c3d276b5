import type { Route } from '../api/types';

const routes: { value: Route; label: string; help: string }[] = [
  { value: 'local', label: 'On this computer', help: 'Every request runs here; nothing leaves this node.' },
  { value: 'remote', label: 'On a peer', help: 'The whole request runs on the fastest contributing peer that holds the loaded model (here when there is none).' },
  { value: 'pipeline', label: 'Pipeline', help: "The model's layers are split between this node and contributing peers that hold it; each runs its share." },
];

/** RoutePicker chooses where this node's own requests run. */
export function RoutePicker({ value, busy, onChange }: { value: Route; busy: boolean; onChange(r: Route): void }) {
  return (
    <fieldset className="card route" disabled={busy}>
      <legend>Where your requests run</legend>
      {routes.map((r) => (
        <label key={r.value} className="choice">
          <input type="radio" name="route" value={r.value} data-testid={`route-${r.value}`} checked={value === r.value}
            onChange={() => onChange(r.value)} />
          <strong>{r.label}</strong> <span className="meta">{r.help}</span>
        </label>
      ))}
    </fieldset>
  );
}
