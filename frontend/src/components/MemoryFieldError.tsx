import { fieldOf } from '../api/memory';

/** FormError is a node's (or the form's own) error, placed by the field it names. */
export interface FormError {
  /** one of the form's fields, or null: shown for the whole form */
  field: string | null;
  message: string;
}

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** toFormError places an error: by its field when the form has it, else for the whole form. */
export function toFormError(e: unknown, fields: readonly string[]): FormError {
  const f = fieldOf(e);
  return { field: f && fields.includes(f) ? f : null, message: message(e) };
}

/** invalid marks the input of the field an error names, pointing at the message. */
export function invalid(err: FormError | null, field: string, prefix: string) {
  return err?.field === field ? { 'aria-invalid': true as const, 'aria-describedby': `${prefix}-${field}-error` } : {};
}

/** FieldError is the message next to the field it names (nothing for other fields). */
export function FieldError({ err, field, prefix }: { err: FormError | null; field: string | null; prefix: string }) {
  if (!err || err.field !== field) return null;
  const id = `${prefix}-${field ?? 'form'}-error`;
  return <p id={id} role="alert" className="error field-error" data-testid={id}>{err.message}</p>;
}
