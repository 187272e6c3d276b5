import { useRef, useState } from 'react';
import { intentionEvents, toRFC3339, type IntentionEvent, type NewIntention } from '../api/memory';
import { FieldError, invalid, toFormError, type FormError } from './MemoryFieldError';

type Trigger = 'cue' | 'at' | 'event' | 'after_turns';
const triggers: { value: Trigger; label: string }[] = [
  { value: 'cue', label: 'When a topic comes up' },
  { value: 'at', label: 'At a time' },
  { value: 'event', label: 'On an event' },
  { value: 'after_turns', label: 'After a number of turns' },
];
const fields = ['text', 'cue', 'at', 'event', 'after_turns'] as const;
const p = 'intention-add';

/** IntentionForm adds a reminder: its text and one trigger. */
export function IntentionForm({ onAdd }: { onAdd(i: NewIntention): Promise<void> }) {
  const [text, setText] = useState('');
  const [trigger, setTrigger] = useState<Trigger>('cue');
  const [cue, setCue] = useState('');
  const [at, setAt] = useState('');
  const [event, setEvent] = useState<IntentionEvent>('app-start');
  const [turns, setTurns] = useState('3');
  const [err, setErr] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const textBox = useRef<HTMLInputElement>(null);

  /** build checks what the browser can and makes the request, or names the bad field. */
  const build = (): NewIntention | FormError => {
    const t = text.trim();
    if (!t) return { field: 'text', message: 'text: write what to be reminded of' };
    switch (trigger) {
      case 'cue':
        return cue.trim() ? { text: t, cue: cue.trim() } : { field: 'cue', message: 'cue: write the topic words' };
      case 'at': {
        const when = toRFC3339(at);
        return when ? { text: t, at: when } : { field: 'at', message: 'at: pick a date and time' };
      }
      case 'event':
        return { text: t, event };
      case 'after_turns': {
        const n = Number(turns);
        return Number.isInteger(n) && n >= 1 ? { text: t, after_turns: n } : { field: 'after_turns', message: 'after_turns: a whole number of turns, 1 or more' };
      }
    }
  };
  const submit = async () => {
    const r = build();
    if ('field' in r) {
      setErr(r);
      return;
    }
    setBusy(true);
    setErr(null);
    try {
      await onAdd(r);
      setText('');
      setCue('');
      setAt('');
      textBox.current?.focus();
    } catch (e) {
      setErr(toFormError(e, fields));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card intention-add" aria-label="Add a reminder" noValidate data-testid="intention-add"
      onSubmit={(e) => { e.preventDefault(); void submit(); }}>
      <h3>Add a reminder</h3>
      <label>
        Remind me to
        <input ref={textBox} value={text} data-testid="intention-text" {...invalid(err, 'text', p)}
          onChange={(e) => setText(e.target.value)} />
      </label>
      <FieldError err={err} field="text" prefix={p} />
      <fieldset className="triggers">
        <legend>When</legend>
        {triggers.map((t) => (
          <label key={t.value} className="choice">
            <input type="radio" name="intention-trigger" value={t.value} checked={trigger === t.value}
              data-testid={`intention-trigger-${t.value}`} onChange={() => { setTrigger(t.value); setErr(null); }} />
            {t.label}
          </label>
        ))}
      </fieldset>
      {trigger === 'cue' && (
        <label>
          Topic words
          <input value={cue} data-testid="intention-cue" placeholder="e.g. holiday, flights" {...invalid(err, 'cue', p)}
            onChange={(e) => setCue(e.target.value)} />
        </label>
      )}
      {trigger === 'at' && (
        <label>
          Date and time (this computer's time zone)
          <input type="datetime-local" value={at} data-testid="intention-at" {...invalid(err, 'at', p)}
            onChange={(e) => setAt(e.target.value)} />
        </label>
      )}
      {trigger === 'event' && (
        <label>
          Event{' '}
          <select value={event} data-testid="intention-event" {...invalid(err, 'event', p)}
            onChange={(e) => setEvent(e.target.value as IntentionEvent)}>
            {intentionEvents.map((e) => <option key={e.value} value={e.value}>{e.label}</option>)}
          </select>
        </label>
      )}
      {trigger === 'after_turns' && (
        <label>
          Turns from now{' '}
          <input type="number" min={1} step={1} value={turns} data-testid="intention-turns" {...invalid(err, 'after_turns', p)}
            onChange={(e) => setTurns(e.target.value)} />
        </label>
      )}
      <FieldError err={err} field="cue" prefix={p} />
      <FieldError err={err} field="at" prefix={p} />
      <FieldError err={err} field="event" prefix={p} />
      <FieldError err={err} field="after_turns" prefix={p} />
      <FieldError err={err} field={null} prefix={p} />
      <button type="submit" data-testid="intention-submit" disabled={busy}>Add reminder</button>
    </form>
  );
}
