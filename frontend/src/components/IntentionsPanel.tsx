import { useCallback, useEffect, useState } from 'react';
import { intentionEvents, type Intention, type IntentionPatch, type MemoryApi, type NewIntention } from '../api/memory';
import { IntentionForm } from './IntentionForm';

export type IntentionsApi = Pick<MemoryApi, 'intentions' | 'addIntention' | 'updateIntention' | 'removeIntention'>;

const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
const when = (t?: string) => (t ? new Date(t).toLocaleString() : '');

/** trigger says in words when a reminder fires. */
export function trigger(i: Intention): string {
  if (i.cue) return `when “${i.cue}” comes up`;
  if (i.at) return `at ${when(i.at)}`;
  if (i.event) {
    const l = intentionEvents.find((e) => e.value === i.event)?.label ?? `on ${i.event}`;
    return l[0].toLowerCase() + l.slice(1);
  }
  if (i.after_turns) return `after ${i.after_turns} ${i.after_turns === 1 ? 'turn' : 'turns'}`;
  return '';
}

const open = (i: Intention) => i.state === 'pending' || i.state === 'fired' || i.state === 'snoozed';

/** IntentionsPanel: the reminders (prospective memory), their state, and what can be done with them. */
export function IntentionsPanel({ api, snoozeMs = 3_600_000 }: { api: IntentionsApi; snoozeMs?: number }) {
  const [list, setList] = useState<Intention[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    try {
      setList(await api.intentions());
      setError(null);
    } catch (e) {
      setError(message(e));
    }
  }, [api]);
  useEffect(() => {
    void load();
  }, [load]);

  const run = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  const add = async (n: NewIntention) => {
    const i = await api.addIntention(n);
    setStatus(`Reminder added: “${i.text}”.`);
    await load();
  };
  const patch = (i: Intention, p: IntentionPatch, said: string) => run(async () => {
    const u = await api.updateIntention(i.id, p);
    setList((xs) => xs && xs.map((x) => (x.id === i.id ? { ...x, ...u } : x)));
    setStatus(`${said}: “${i.text}”.`);
  });
  const remove = (i: Intention) => run(async () => {
    await api.removeIntention(i.id);
    setList((xs) => xs && xs.filter((x) => x.id !== i.id));
    setStatus(`Reminder deleted: “${i.text}”.`);
  });
  const snooze = (i: Intention) => {
    const until = new Date(Date.now() + snoozeMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    return patch(i, { state: 'snoozed', until }, 'Snoozed for an hour');
  };

  return (
    <section className="intentions" aria-labelledby="intentions-title" data-testid="intentions">
      <h2 id="intentions-title">Reminders</h2>
      <p className="meta">ARIA brings these up in a chat with memory on, when their moment comes.</p>
      <p role="status" aria-live="polite" className="meta" data-testid="intention-status">{status}</p>
      {error && <p role="alert" className="error" data-testid="intention-error">{error}</p>}
      <IntentionForm onAdd={add} />
      {list === null && !error && <p className="meta">Loading…</p>}
      {list && list.length === 0 && <p className="card" data-testid="intentions-empty">No reminders.</p>}
      {list && list.length > 0 && (
        <ul className="intention-list" aria-labelledby="intentions-title">
          {list.map((i) => (
            <li key={i.id} className="card intention" data-testid="intention" data-id={i.id}>
              <div className="row">
                <span className={`badge state-${i.state}`} data-testid="intention-state">{i.state}</span>
                <span className="intention-text">{i.text}</span>
                <span className="meta" data-testid="intention-trigger">{trigger(i)}</span>
                {i.state === 'snoozed' && i.until && <span className="meta">until {when(i.until)}</span>}
              </div>
              <div className="row actions">
                {open(i) && (
                  <>
                    <button data-testid="intention-done" disabled={busy} aria-label={`Done: ${i.text}`}
                      onClick={() => void patch(i, { state: 'done' }, 'Done')}>Done</button>
                    <button data-testid="intention-snooze" disabled={busy} aria-label={`Snooze for an hour: ${i.text}`}
                      onClick={() => void snooze(i)}>Snooze 1 h</button>
                    <button data-testid="intention-cancel" disabled={busy} aria-label={`Cancel reminder: ${i.text}`}
                      onClick={() => void patch(i, { state: 'cancelled' }, 'Cancelled')}>Cancel</button>
                  </>
                )}
                <button data-testid="intention-delete" disabled={busy} aria-label={`Delete reminder: ${i.text}`}
                  onClick={() => void remove(i)}>Delete</button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
