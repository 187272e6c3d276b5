import { act, fireEvent, render, screen, within } from '@testing-library/react';
import { describe, expect, it, vi } from 'vitest';
import type { StreamHandlers } from '../api/client';
import type { AriaChatOptions, IntentionPatch } from '../api/memory';
import type { ChatMessage, SamplingSettings } from '../api/types';
import { Chat } from './Chat';
import { ChatSession } from './ChatSession';

// A fake of the client's chat: the test drives the stream by hand.
function fakeClient() {
  const calls: { messages: ChatMessage[]; h: StreamHandlers; signal?: AbortSignal; opts?: AriaChatOptions; finish: () => void }[] = [];
  const client = {
    chat(messages: ChatMessage[], _s: SamplingSettings, h: StreamHandlers, signal?: AbortSignal, opts?: AriaChatOptions) {
      return new Promise<void>((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        calls.push({ messages, h, signal, opts, finish: resolve });
      });
    },
  };
  return { client, calls };
}

describe('Chat', () => {
  it('says what verifying the peers\' work found', async () => {
    const { client, calls } = fakeClient();
    render(<Chat client={client} ready />);
    for (const [i, audit, want] of [
      [0, { full: true, hops: 2, positions: 80, caught: [] }, 'verified'],
      [1, { full: true, hops: 2, positions: 80, caught: ['12D3KooWRm3yqvT8EWFx1Ju6S7hK2aGb4vRr7LCBtxcH7BbCo7sr'] }, 'peer caught lying'],
    ] as const) {
      fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'Q' } });
      fireEvent.click(screen.getByTestId('send'));
      await act(async () => {
        calls[i].h.onText('A');
        calls[i].h.onDone({ finish: 'stop', usage: null, aria: { tokens_per_s: 1, audit: { ...audit, caught: [...audit.caught] } } });
        calls[i].finish();
      });
      expect(screen.getByTestId('audit').textContent).toContain(want);
    }
  });


  it('streams the answer into the list, shows the speed, and Stop aborts the request', async () => {
    const { client, calls } = fakeClient();
    render(<Chat client={client} ready />);
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'Hello' } });
    fireEvent.keyDown(screen.getByTestId('chat-input'), { key: 'Enter' });
    expect(calls).toHaveLength(1);
    expect(calls[0].messages).toEqual([{ role: 'user', content: 'Hello' }]);
    act(() => calls[0].h.onText('Hi'));
    act(() => calls[0].h.onText(' there'));
    const msgs = screen.getAllByTestId('message');
    expect(msgs).toHaveLength(2);
    expect(msgs[1].textContent).toContain('Hi there');
    await act(async () => fireEvent.click(screen.getByTestId('stop')));
    expect(calls[0].signal?.aborted).toBe(true);
    expect(screen.getByTestId('send')).toBeTruthy();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows the final figures and starts over with New chat', async () => {
    const { client, calls } = fakeClient();
    render(<Chat client={client} ready />);
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'Q' } });
    fireEvent.click(screen.getByTestId('send'));
    await act(async () => {
      calls[0].h.onText('A');
      calls[0].h.onDone({ finish: 'stop', usage: null, aria: { tokens_per_s: 42, mj_per_token: 120, energy_kind: 'estimated', energy_detail: 'x' } });
      calls[0].finish();
    });
    expect(screen.getByTestId('tokens-per-s').textContent).toBe('42.0');
    expect(screen.getByTestId('energy-kind').textContent).toBe('estimated');
    expect(screen.queryByTestId('audit')).toBeNull(); // nothing of peers' was re-executed
    fireEvent.click(screen.getByTestId('new-chat'));
    expect(screen.queryAllByTestId('message')).toHaveLength(0);
  });
});

describe('Chat with memory', () => {
  const ask = async (calls: ReturnType<typeof fakeClient>['calls'], i: number, aria: Parameters<StreamHandlers['onDone']>[0]['aria']) => {
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: `Q${i}` } });
    fireEvent.click(screen.getByTestId('send'));
    await act(async () => {
      calls[i].h.onText('A');
      calls[i].h.onDone({ finish: 'stop', usage: null, aria });
      calls[i].finish();
    });
  };

  it('is off by default and says why; on, it names the conversation, and New chat starts another', async () => {
    const { client, calls } = fakeClient();
    render(<Chat client={client} ready />);
    const sw = screen.getByRole('checkbox', { name: 'Memory' }) as HTMLInputElement;
    expect(sw.checked).toBe(false);
    expect(sw.closest('label')?.title).toContain('Off by default');
    expect(document.getElementById(sw.getAttribute('aria-describedby')!)?.textContent).toContain('stays on this computer');
    const priv = screen.getByRole('checkbox', { name: 'Private chat' }) as HTMLInputElement;
    expect(priv.checked).toBe(false);

    await ask(calls, 0, { tokens_per_s: 1 });
    const first = calls[0].opts!.conversation;
    expect(calls[0].opts).toEqual({ memory: false, conversation: first }); // saved, without memory
    expect(screen.queryByTestId('memory-used')).toBeNull();

    fireEvent.click(sw);
    fireEvent.click(priv);
    await ask(calls, 1, { tokens_per_s: 1 });
    const id = calls[1].opts!.conversation;
    expect(calls[1].opts).toEqual({ memory: true, conversation: id, private: true });
    expect(id).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(id).toBe(first); // the same chat
    fireEvent.click(priv);
    await ask(calls, 2, { tokens_per_s: 1 });
    expect(calls[2].opts).toEqual({ memory: true, conversation: id, private: false }); // the same chat

    fireEvent.click(screen.getByTestId('new-chat'));
    await ask(calls, 3, { tokens_per_s: 1 });
    expect(calls[3].opts?.conversation).not.toBe(id);
    expect(calls[3].messages).toEqual([{ role: 'user', content: 'Q3' }]);
  });

  it('a private chat without memory sends no aria at all: the node saves nothing', async () => {
    const { client, calls } = fakeClient();
    render(<Chat client={client} ready />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Private chat' }));
    expect(screen.getByTestId('private-note').textContent).toContain('not saved');
    await ask(calls, 0, { tokens_per_s: 1 });
    expect(calls[0].opts).toBeUndefined();
  });

  it('shows the memories used with their scores, and a reminder chip that can be dismissed from the keyboard', async () => {
    const { client, calls } = fakeClient();
    const patches: [string, IntentionPatch][] = [];
    const memory = { updateIntention: async (id: string, p: IntentionPatch) => { patches.push([id, p]); return { id, text: '', state: p.state }; } };
    render(<Chat client={client} ready memory={memory} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Memory' }));
    await ask(calls, 0, {
      tokens_per_s: 5,
      memory: { used: [{ id: 'm1', score: 0.8123 }, { id: 'm2', score: 0.41 }], fired: [{ id: 'i1', text: 'call mum' }, { id: 'i2', text: 'stretch' }] },
    });
    expect(screen.getByTestId('tokens-per-s').textContent).toBe('5.0');
    const answer = screen.getAllByTestId('message')[1];
    const used = within(answer).getByTestId('memory-used');
    expect(used.querySelector('summary')?.textContent).toBe('2 memories used');
    fireEvent.click(within(used).getByText('2 memories used'));
    expect(within(used).getAllByTestId('memory-used-item').map((u) => u.textContent)).toEqual(['m1 score 0.812', 'm2 score 0.410']);
    expect(screen.getByTestId('memory-announce').textContent).toBe('Reminder: call mum. Reminder: stretch');

    const chips = within(answer).getAllByTestId('reminder-chip');
    expect(chips.map((c) => c.getAttribute('aria-label'))).toEqual(['Reminder: call mum', 'Reminder: stretch']);
    expect(chips[0].tabIndex).toBe(0);
    chips[0].focus();
    await act(async () => fireEvent.keyDown(chips[0], { key: 'Delete' }));
    expect(patches).toEqual([['i1', { state: 'done' }]]);
    expect(within(answer).getAllByTestId('reminder-chip').map((c) => c.textContent)).toEqual(['Reminder: stretch✕']);
    expect(document.activeElement).toBe(within(answer).getByTestId('reminder-chip')); // on to the next reminder
    expect(screen.getByTestId('memory-announce').textContent).toBe('Reminder done.');

    await act(async () => fireEvent.click(within(answer).getByRole('button', { name: 'Dismiss reminder: stretch' })));
    expect(patches.at(-1)).toEqual(['i2', { state: 'done' }]);
    expect(within(answer).queryByTestId('reminder-chip')).toBeNull();
    expect(document.activeElement).toBe(screen.getByTestId('chat-input'));

    await ask(calls, 1, { memory: { used: [], fired: null } });
    expect(within(screen.getAllByTestId('message')[3]).getByTestId('memory-used').textContent).toBe('No memories used');
  });

  it('keeps a reminder whose dismissal failed, with the node\'s message', async () => {
    const { client, calls } = fakeClient();
    const memory = { updateIntention: async () => { throw new Error('id: no such intention'); } };
    render(<Chat client={client} ready memory={memory} />);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Memory' }));
    await ask(calls, 0, { memory: { used: null, fired: [{ id: 'i9', text: 'water the plants' }] } });
    await act(async () => fireEvent.keyDown(screen.getByTestId('reminder-chip'), { key: 'Backspace' }));
    expect(screen.getByTestId('reminder-chip')).toBeTruthy();
    expect(screen.getByRole('alert').textContent).toContain('id: no such intention');
  });
});

describe('Chat actions', () => {
  // answer sends text and finishes call i's answer with reply.
  const exchange = async (calls: ReturnType<typeof fakeClient>['calls'], i: number, text: string, reply: string) => {
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: text } });
    fireEvent.click(screen.getByTestId('send'));
    await act(async () => {
      calls[i].h.onText(reply);
      calls[i].h.onDone({ finish: 'stop', usage: null, aria: null });
      calls[i].finish();
    });
  };
  const shown = () => screen.getAllByTestId('message').map((m) => [m.dataset.role, m.querySelector('.text')!.textContent]);

  it('Stop keeps the partial answer, marked stopped, and it stays in the history', async () => {
    const { client, calls } = fakeClient();
    render(<Chat client={client} ready />);
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'Count' } });
    fireEvent.click(screen.getByTestId('send'));
    act(() => calls[0].h.onText('one, two,'));
    expect(screen.queryByTestId('stopped')).toBeNull();
    await act(async () => fireEvent.click(screen.getByTestId('stop')));
    expect(shown()).toEqual([['user', 'Count'], ['assistant', 'one, two,']]);
    const answer = screen.getAllByTestId('message')[1];
    expect(within(answer).getByTestId('stopped').textContent).toBe('stopped');
    await exchange(calls, 1, 'Go on', 'three');
    expect(calls[1].messages).toEqual([
      { role: 'user', content: 'Count' }, { role: 'assistant', content: 'one, two,' }, { role: 'user', content: 'Go on' },
    ]);
    expect(screen.getAllByTestId('stopped')).toHaveLength(1); // only the stopped one
  });

  it('regenerates the last answer from the history up to the last user message', async () => {
    const { client, calls } = fakeClient();
    render(<Chat client={client} ready />);
    await exchange(calls, 0, 'Q0', 'A0');
    await exchange(calls, 1, 'Q1', 'A1');
    const regen = screen.getAllByRole('button', { name: 'Regenerate answer' });
    expect(regen).toHaveLength(1); // on the last answer only
    expect(within(screen.getAllByTestId('message')[3]).getByRole('button', { name: 'Regenerate answer' })).toBe(regen[0]);
    fireEvent.click(regen[0]);
    expect(calls[2].messages).toEqual([
      { role: 'user', content: 'Q0' }, { role: 'assistant', content: 'A0' }, { role: 'user', content: 'Q1' },
    ]);
    expect(screen.queryByRole('button', { name: 'Regenerate answer' })).toBeNull(); // not while writing
    await act(async () => {
      calls[2].h.onText('A1 again');
      calls[2].finish();
    });
    expect(shown()).toEqual([['user', 'Q0'], ['assistant', 'A0'], ['user', 'Q1'], ['assistant', 'A1 again']]);
  });

  it('edits a user message and resends it: the history is cut after it', async () => {
    const { client, calls } = fakeClient();
    render(<Chat client={client} ready />);
    await exchange(calls, 0, 'Q0', 'A0');
    await exchange(calls, 1, 'Q1', 'A1');
    const edits = screen.getAllByRole('button', { name: 'Edit and resend' });
    expect(edits).toHaveLength(2);
    fireEvent.click(edits[0]);
    const box = screen.getByRole('textbox', { name: 'Edit your message' }) as HTMLTextAreaElement;
    expect(box.value).toBe('Q0');
    expect(document.activeElement).toBe(box);
    // Escape gives up: nothing sent, the focus back on Edit.
    fireEvent.keyDown(box, { key: 'Escape' });
    expect(calls).toHaveLength(2);
    expect(document.activeElement).toBe(screen.getAllByRole('button', { name: 'Edit and resend' })[0]);

    fireEvent.click(screen.getAllByRole('button', { name: 'Edit and resend' })[0]);
    fireEvent.change(screen.getByRole('textbox', { name: 'Edit your message' }), { target: { value: 'Q0, better' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send edited message' }));
    expect(calls[2].messages).toEqual([{ role: 'user', content: 'Q0, better' }]);
    await act(async () => {
      calls[2].h.onText('B0');
      calls[2].finish();
    });
    expect(shown()).toEqual([['user', 'Q0, better'], ['assistant', 'B0']]);
  });

  it("renders ARIA's answers as Markdown and the user's messages as plain text; copies a message", async () => {
    const writeText = vi.fn(async () => {});
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { client, calls } = fakeClient();
    render(<Chat client={client} ready />);
    await exchange(calls, 0, 'Say **bold** <b>x</b>', 'Sure: **bold**\n\n```sh\nls -l\n```');
    const [mine, answer] = screen.getAllByTestId('message');
    expect(mine.querySelector('strong, b')).toBeNull();
    expect(mine.querySelector('.text')!.textContent).toBe('Say **bold** <b>x</b>');
    expect(answer.querySelector('strong')?.textContent).toBe('bold');
    expect(within(answer).getByRole('button', { name: 'Copy sh code' })).toBeTruthy();
    // Turns are headings inside the log that screen readers follow.
    const log = screen.getByRole('log');
    expect(log.getAttribute('aria-live')).toBe('polite');
    expect(within(log).getAllByRole('heading').map((h) => h.textContent)).toEqual(['You', 'ARIA']);

    await act(async () => fireEvent.click(within(answer).getByRole('button', { name: 'Copy answer' })));
    expect(writeText).toHaveBeenLastCalledWith('Sure: **bold**\n\n```sh\nls -l\n```');
    expect(within(answer).getByTestId('copy-message-status').textContent).toBe('Copied');
    await act(async () => fireEvent.click(within(mine).getByRole('button', { name: 'Copy message' })));
    expect(writeText).toHaveBeenLastCalledWith('Say **bold** <b>x</b>');
  });

  it('keeps the draft, the answer being written and the switches when the page goes away and comes back', async () => {
    const { client, calls } = fakeClient();
    const session = new ChatSession();
    const first = render(<Chat client={client} ready session={session} />);
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'Q' } });
    fireEvent.click(screen.getByTestId('send'));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Private chat' }));
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'a half-written next question' } });
    act(() => calls[0].h.onText('Part one'));
    first.unmount(); // another page
    await act(async () => {
      calls[0].h.onText(', part two'); // the answer goes on meanwhile
      calls[0].finish();
    });
    render(<Chat client={client} ready session={session} />);
    expect((screen.getByTestId('chat-input') as HTMLTextAreaElement).value).toBe('a half-written next question');
    expect(screen.getAllByTestId('message')[1].querySelector('.text')!.textContent).toBe('Part one, part two');
    expect((screen.getByRole('checkbox', { name: 'Private chat' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByTestId('send')).toBeTruthy(); // finished
  });
});
