import { act, fireEvent, render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { StreamHandlers } from '../api/client';
import type { ChatMessage, SamplingSettings } from '../api/types';
import { Chat } from './Chat';

// A fake of the client's chat: the test drives the stream by hand.
function fakeClient() {
  const calls: { messages: ChatMessage[]; h: StreamHandlers; signal?: AbortSignal; finish: () => void }[] = [];
  const client = {
    chat(messages: ChatMessage[], _s: SamplingSettings, h: StreamHandlers, signal?: AbortSignal) {
      return new Promise<void>((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        calls.push({ messages, h, signal, finish: resolve });
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
