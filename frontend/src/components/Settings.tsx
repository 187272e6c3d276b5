import type { SamplingSettings } from '../api/types';

export const defaultSettings: SamplingSettings = { system: '', temperature: 0.7, top_p: 0.95, max_tokens: 256, seed: null, verify: false };

/** Settings edits the system prompt and the sampling parameters of the next messages. */
export function Settings({ value, onChange }: { value: SamplingSettings; onChange(v: SamplingSettings): void }) {
  const set = <K extends keyof SamplingSettings>(k: K, v: SamplingSettings[K]) => onChange({ ...value, [k]: v });
  return (
    <details className="settings">
      <summary>Settings</summary>
      <label>
        System prompt
        <textarea value={value.system} rows={2} onChange={(e) => set('system', e.target.value)} />
      </label>
      <label>
        Temperature {value.temperature.toFixed(2)}
        <input type="range" min={0} max={2} step={0.05} value={value.temperature}
          onChange={(e) => set('temperature', Number(e.target.value))} />
      </label>
      <label>
        Top-p {value.top_p.toFixed(2)}
        <input type="range" min={0} max={1} step={0.01} value={value.top_p}
          onChange={(e) => set('top_p', Number(e.target.value))} />
      </label>
      <label>
        Max tokens
        <input type="number" min={1} max={8192} value={value.max_tokens}
          onChange={(e) => set('max_tokens', Math.max(1, Number(e.target.value) || 1))} />
      </label>
      <label className="check">
        <input type="checkbox" checked={value.verify} data-testid="verify-all"
          onChange={(e) => set('verify', e.target.checked)} />
        Verify all of the peers' work on my answers (this computer re-checks it; slower)
      </label>
      <label>
        Seed (empty: random)
        <input type="number" value={value.seed ?? ''}
          onChange={(e) => set('seed', e.target.value === '' ? null : Number(e.target.value))} />
      </label>
    </details>
  );
}
