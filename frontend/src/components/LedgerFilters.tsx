import { useEffect, useId, useState, type FormEvent } from 'react';
import type { LedgerFilter } from '../api/ledger';
import type { LedgerKind } from '../api/types';
import { shortId } from '../format';

/** FilterForm is what the form holds: dates as the date inputs give them (YYYY-MM-DD, local days). */
export interface FilterForm {
  kind: LedgerKind | '';
  peer: string;
  model: string;
  from: string;
  to: string;
}

export const emptyForm: FilterForm = { kind: '', peer: '', model: '', from: '', to: '' };

export const kindChoices: { value: LedgerKind | ''; label: string }[] = [
  { value: '', label: 'All' },
  { value: 'local', label: 'Local: run here for you' },
  { value: 'remote', label: 'Remote: run on a peer for you' },
  { value: 'served', label: 'Served: run here for a peer' },
  { value: 'hop', label: "Hop: layers of a peer's pipeline, run here" },
];

/** localDay is the start of a local calendar day (YYYY-MM-DD) plus days, as RFC 3339, or undefined. */
export function localDay(day: string, plus = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plus);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString().replace(/\.000Z$/, 'Z');
}

/** toFilter is the node's filter of a form: from the start of the From day to the end of the To day. */
export function toFilter(f: FilterForm): LedgerFilter {
  return { kind: f.kind, peer: f.peer.trim(), model: f.model, from: localDay(f.from), to: localDay(f.to, 1) };
}

/** FieldError is the node's refusal of one parameter (its param) with its message. */
export interface FieldError {
  field: string;
  message: string;
}

export interface LedgerFiltersProps {
  value: FilterForm;
  /** onApply runs with the whole form: on a change of a list or a date, and on submit (the peer's text). */
  onApply(f: FilterForm): void;
  models: string[];
  /** names of models the node knows, by SHA-256 */
  modelNames: Record<string, string>;
  peers: string[];
  error: FieldError | null;
}

export const modelLabel = (sha: string, names: Record<string, string>) =>
  names[sha] ? `${names[sha]} (${sha.slice(0, 8)}…)` : `${sha.slice(0, 12)}…`;

/** LedgerFilters is the ledger's filter form: kind, peer, model and a range of days. */
export function LedgerFilters({ value, onApply, models, modelNames, peers, error }: LedgerFiltersProps) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const id = useId();
  const set = (patch: Partial<FilterForm>, apply: boolean) => {
    const next = { ...draft, ...patch };
    setDraft(next);
    if (apply) onApply(next);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply(draft);
  };
  // The node names the parameter it refused: that field says why.
  const invalid = (field: keyof FilterForm) => (error?.field === field ? { 'aria-invalid': true, 'aria-describedby': `${id}-${field}-error` } : {});
  const fieldError = (field: keyof FilterForm) =>
    error?.field === field && (
      <span id={`${id}-${field}-error`} className="error field-error" data-testid={`ledger-filter-error-${field}`}>
        {error.message}
      </span>
    );
  const active = JSON.stringify(value) !== JSON.stringify(emptyForm);
  return (
    <form className="ledger-filters card" aria-label="Filter the ledger" data-testid="ledger-filters" onSubmit={submit}>
      <div className="ledger-field">
        <label htmlFor={`${id}-kind`}>Kind</label>
        <select id={`${id}-kind`} data-testid="ledger-filter" value={draft.kind}
          onChange={(e) => set({ kind: e.target.value as LedgerKind | '' }, true)} {...invalid('kind')}>
          {kindChoices.map((k) => <option key={k.value} value={k.value}>{k.label}</option>)}
        </select>
        {fieldError('kind')}
      </div>
      <div className="ledger-field ledger-peer">
        <label htmlFor={`${id}-peer`}>Peer</label>
        <input id={`${id}-peer`} data-testid="ledger-filter-peer" list={`${id}-peers`} value={draft.peer} spellCheck={false}
          autoComplete="off" placeholder="a peer ID: requester or worker" onChange={(e) => set({ peer: e.target.value }, false)}
          {...invalid('peer')} />
        <datalist id={`${id}-peers`}>
          {peers.map((p) => <option key={p} value={p}>{shortId(p)}</option>)}
        </datalist>
        {fieldError('peer')}
      </div>
      <div className="ledger-field">
        <label htmlFor={`${id}-model`}>Model</label>
        <select id={`${id}-model`} data-testid="ledger-filter-model" value={draft.model}
          onChange={(e) => set({ model: e.target.value }, true)} {...invalid('model')}>
          <option value="">All models</option>
          {models.map((m) => <option key={m} value={m}>{modelLabel(m, modelNames)}</option>)}
          {draft.model && !models.includes(draft.model) && <option value={draft.model}>{modelLabel(draft.model, modelNames)}</option>}
        </select>
        {fieldError('model')}
      </div>
      <div className="ledger-field">
        <label htmlFor={`${id}-from`}>From</label>
        <input id={`${id}-from`} type="date" data-testid="ledger-filter-from" value={draft.from}
          onChange={(e) => set({ from: e.target.value }, true)} {...invalid('from')} />
        {fieldError('from')}
      </div>
      <div className="ledger-field">
        <label htmlFor={`${id}-to`}>To (that day included)</label>
        <input id={`${id}-to`} type="date" data-testid="ledger-filter-to" value={draft.to}
          onChange={(e) => set({ to: e.target.value }, true)} {...invalid('to')} />
        {fieldError('to')}
      </div>
      <div className="ledger-field ledger-filter-actions">
        <button type="submit" data-testid="ledger-filter-apply">Apply</button>
        <button type="button" data-testid="ledger-filter-clear" disabled={!active && JSON.stringify(draft) === JSON.stringify(emptyForm)}
          onClick={() => { setDraft(emptyForm); onApply(emptyForm); }}>
          Clear filters
        </button>
      </div>
    </form>
  );
}
