import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { MemoryApi, type Intention } from '../api/memory';
import { type Answer, type Handler, fakeNode } from '../test-fakes';
import { IntentionsPanel } from './IntentionsPanel';

/** intentionsNode is the node's intentions behind the real Client; fail makes a route answer an error. */
function intentionsNode(list: Intention[], fail: Record<string, Answer> = {}) {
  let next = 1;
  const routes: Record<string, Handler> = {
    'GET /api/intentions': () => ({ body: { data: list } }),
    'POST /api/intentions': (b) => {
      const i = { id: `n${next++}`, state: 'pending', ...(b as object) } as Intention;
      list.push(i);
      return { status: 201, body: i };
    },
  };
  const proxy = new Proxy(routes, {
    get(r, key: string) {
      if (fail[key]) return () => fail[key];
      if (r[key]) return r[key];
      const m = /^(PATCH|DELETE) \/api\/intentions\/([^/]+)$/.exec(key);
      const k = m ? list.findIndex((i) => i.id === m[2]) : -1;
      if (k < 0) return undefined;
      if (m![1] === 'DELETE') return () => { list.splice(k, 1); return { status: 204, body: undefined }; };
      return (b: unknown) => { list[k] = { ...list[k], ...(b as object) }; return { body: list[k] }; };
    },
  });
  const { client, calls } = fakeNode(proxy);
  return { api: new MemoryApi(client), calls, list };
}

const badError = (param: string, message: string): Answer => ({
  status: 400, body: { error: { message, type: 'invalid_request_error', param, code: null } },
});
const card = (text: string) => screen.getAllByTestId('intention').find((c) => c.textContent?.includes(text))!;

describe('IntentionsPanel', () => {
  it('lists reminders with their state and trigger', async () => {
    const { api } = intentionsNode([
      { id: 'a', text: 'ask about the flights', state: 'pending', cue: 'holiday' },
      { id: 'b', text: 'stretch', state: 'fired', after_turns: 3 },
      { id: 'c', text: 'say hello', state: 'done', event: 'app-start' },
      { id: 'd', text: 'call mum', state: 'snoozed', at: '2031-05-06T07:08:00Z', until: '2031-05-06T08:08:00Z' },
    ]);
    render(<IntentionsPanel api={api} />);
    await screen.findAllByTestId('intention');
    const states = screen.getAllByTestId('intention-state').map((s) => [s.textContent, s.className]);
    expect(states).toEqual([['pending', 'badge state-pending'], ['fired', 'badge state-fired'], ['done', 'badge state-done'], ['snoozed', 'badge state-snoozed']]);
    expect(screen.getAllByTestId('intention-trigger').map((t) => t.textContent)).toEqual([
      'when “holiday” comes up', 'after 3 turns', 'when ARIA starts', `at ${new Date('2031-05-06T07:08:00Z').toLocaleString()}`,
    ]);
    // A reminder that is over can only be deleted.
    expect(within(card('say hello')).queryByTestId('intention-done')).toBeNull();
    expect(within(card('say hello')).getByTestId('intention-delete')).toBeTruthy();
    expect(within(card('stretch')).getByRole('button', { name: 'Done: stretch' })).toBeTruthy();
  });

  it('adds a reminder with each kind of trigger', async () => {
    const { api, calls } = intentionsNode([]);
    render(<IntentionsPanel api={api} />);
    await screen.findByTestId('intentions-empty');
    const add = async (setup: () => void) => {
      fireEvent.change(screen.getByLabelText('Remind me to'), { target: { value: 'call mum' } });
      setup();
      await act(async () => fireEvent.click(screen.getByTestId('intention-submit')));
      return calls.filter((c) => c.method === 'POST').at(-1)?.body;
    };
    expect(await add(() => fireEvent.change(screen.getByLabelText('Topic words'), { target: { value: 'mother, family' } })))
      .toEqual({ text: 'call mum', cue: 'mother, family' });
    expect(screen.getByTestId('intention-status').textContent).toBe('Reminder added: “call mum”.');

    expect(await add(() => {
      fireEvent.click(screen.getByLabelText('At a time'));
      fireEvent.change(screen.getByTestId('intention-at'), { target: { value: '2031-05-06T07:08' } });
    })).toEqual({ text: 'call mum', at: new Date(2031, 4, 6, 7, 8).toISOString().replace('.000Z', 'Z') });

    expect(await add(() => {
      fireEvent.click(screen.getByLabelText('On an event'));
      fireEvent.change(screen.getByTestId('intention-event'), { target: { value: 'peer-joined' } });
    })).toEqual({ text: 'call mum', event: 'peer-joined' });

    expect(await add(() => {
      fireEvent.click(screen.getByLabelText('After a number of turns'));
      fireEvent.change(screen.getByTestId('intention-turns'), { target: { value: '4' } });
    })).toEqual({ text: 'call mum', after_turns: 4 });

    await waitFor(() => expect(screen.getAllByTestId('intention')).toHaveLength(4));
    expect(screen.getAllByTestId('intention-state').every((s) => s.textContent === 'pending')).toBe(true);
  });

  it('names the bad field: its own checks and the node\'s', async () => {
    const fail: Record<string, Answer> = {};
    const { api, calls } = intentionsNode([], fail);
    render(<IntentionsPanel api={api} />);
    await screen.findByTestId('intentions-empty');
    fireEvent.click(screen.getByTestId('intention-submit'));
    expect(screen.getByTestId('intention-add-text-error').textContent).toBe('text: write what to be reminded of');

    fireEvent.change(screen.getByLabelText('Remind me to'), { target: { value: 'call mum' } });
    fireEvent.click(screen.getByTestId('intention-submit'));
    expect(screen.getByTestId('intention-add-cue-error').textContent).toBe('cue: write the topic words');
    expect(screen.getByLabelText('Topic words').getAttribute('aria-invalid')).toBe('true');

    fireEvent.click(screen.getByLabelText('At a time'));
    fireEvent.click(screen.getByTestId('intention-submit'));
    expect(screen.getByTestId('intention-add-at-error').textContent).toBe('at: pick a date and time');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    fail['POST /api/intentions'] = badError('at', 'at: 1999-01-01T00:00:00Z is in the past');
    fireEvent.change(screen.getByTestId('intention-at'), { target: { value: '1999-01-01T00:00' } });
    await act(async () => fireEvent.click(screen.getByTestId('intention-submit')));
    const at = screen.getByTestId('intention-at');
    expect(screen.getByTestId('intention-add-at-error').textContent).toBe('at: 1999-01-01T00:00:00Z is in the past');
    expect(at.getAttribute('aria-describedby')).toBe('intention-add-at-error');

    fail['POST /api/intentions'] = badError('text', 'text: longer than 16 KiB');
    await act(async () => fireEvent.click(screen.getByTestId('intention-submit')));
    expect(screen.getByTestId('intention-add-text-error').textContent).toBe('text: longer than 16 KiB');
    expect(screen.queryByTestId('intention-add-at-error')).toBeNull();
    expect(screen.queryByTestId('intention')).toBeNull();
  });

  it('marks done, snoozes, cancels and deletes', async () => {
    const { api, calls } = intentionsNode([
      { id: 'a', text: 'ask about the flights', state: 'pending', cue: 'holiday' },
      { id: 'b', text: 'stretch', state: 'fired', after_turns: 3 },
      { id: 'c', text: 'call mum', state: 'pending', event: 'app-start' },
    ]);
    render(<IntentionsPanel api={api} />);
    await screen.findAllByTestId('intention');
    const state = (t: string) => within(card(t)).getByTestId('intention-state').textContent;

    await act(async () => fireEvent.click(within(card('stretch')).getByTestId('intention-done')));
    expect(calls.at(-1)).toMatchObject({ method: 'PATCH', path: '/api/intentions/b', body: { state: 'done' } });
    expect(state('stretch')).toBe('done');
    expect(screen.getByTestId('intention-status').textContent).toBe('Done: “stretch”.');

    const before = Date.now();
    await act(async () => fireEvent.click(within(card('flights')).getByTestId('intention-snooze')));
    const body = calls.at(-1)?.body as { state: string; until: string };
    expect(body.state).toBe('snoozed');
    expect(body.until).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(Date.parse(body.until) - before).toBeGreaterThan(3_590_000);
    expect(state('flights')).toBe('snoozed');

    await act(async () => fireEvent.click(within(card('call mum')).getByTestId('intention-cancel')));
    expect(calls.at(-1)).toMatchObject({ path: '/api/intentions/c', body: { state: 'cancelled' } });
    expect(state('call mum')).toBe('cancelled');

    await act(async () => fireEvent.click(within(card('stretch')).getByTestId('intention-delete')));
    expect(calls.at(-1)).toMatchObject({ method: 'DELETE', path: '/api/intentions/b' });
    expect(screen.getAllByTestId('intention')).toHaveLength(2);
    expect(screen.getByTestId('intention-status').textContent).toBe('Reminder deleted: “stretch”.');
  });
});
