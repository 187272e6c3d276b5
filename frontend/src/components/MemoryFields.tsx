import type { Ref } from 'react';
import { memoryKinds, type MemoryKind } from '../api/memory';
import { FieldError, invalid, type FormError } from './MemoryFieldError';

export const kindLabels: Record<MemoryKind, string> = {
  semantic: 'Fact (semantic)',
  episodic: 'Event (episodic)',
  procedural: 'Rule (procedural)',
};

/** MemoryText is a memory's text box with its error, in the add and the edit forms (testid names the
 * form in test ids, prefix in the error's id). */
export function MemoryText({ value, onChange, err, testid, prefix, inputRef }: {
  value: string; onChange(v: string): void; err: FormError | null; testid: string; prefix: string; inputRef?: Ref<HTMLTextAreaElement>;
}) {
  return (
    <>
      <label>
        Text
        <textarea ref={inputRef} rows={2} value={value} data-testid={`${testid}-text`} {...invalid(err, 'text', prefix)}
          onChange={(e) => onChange(e.target.value)} />
      </label>
      <FieldError err={err} field="text" prefix={prefix} />
    </>
  );
}

/** MemoryKindSelect picks a memory's kind. */
export function MemoryKindSelect({ value, onChange, err, testid, prefix }: {
  value: MemoryKind; onChange(v: MemoryKind): void; err: FormError | null; testid: string; prefix: string;
}) {
  return (
    <label>
      Kind{' '}
      <select value={value} data-testid={`${testid}-kind`} {...invalid(err, 'kind', prefix)}
        onChange={(e) => onChange(e.target.value as MemoryKind)}>
        {memoryKinds.map((k) => <option key={k} value={k}>{kindLabels[k]}</option>)}
      </select>
    </label>
  );
}
