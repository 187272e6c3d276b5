import type { LocalModel } from '../api/types';

export interface ModelPickerProps {
  models: LocalModel[];
  current: string | null;
  busy: boolean;
  onPick(name: string): void;
}

export function ModelPicker({ models, current, busy, onPick }: ModelPickerProps) {
  return (
    <label className="picker">
      Model
      <select data-testid="model-picker" value={current ?? ''} disabled={busy || models.length === 0}
        onChange={(e) => e.target.value && onPick(e.target.value)}>
        {current === null && <option value="">(none loaded)</option>}
        {models.map((m) => (
          <option key={m.name} value={m.name}>{m.name}</option>
        ))}
      </select>
    </label>
  );
}
