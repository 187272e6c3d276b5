import { act, render, screen, waitFor } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { MemoryApi } from '../api/memory';
import type { MemoryReembedEvent, MemoryStatus } from '../api/types';
import { type Answer, FakeEvents, apiError, fakeNode } from '../test-fakes';
import { MemoryReembed } from './MemoryReembed';

const space = 'model/25268f5db17c55a8/2/940d2fa1/256';
const run = (done: number, total: number, state: MemoryReembedEvent['state'] = 'running'): MemoryReembedEvent => ({
  done, left: total - done, total, model: 'bitnet-b1.58-2b4t', space, state,
});

/** node answers GET /api/memory/status with reembed (or the given error) and streams events. */
function node(reembed: MemoryReembedEvent | null, fail?: Answer) {
  const status: MemoryStatus = { count: 24, space, missing: reembed ? reembed.left : 0, reembed, encrypted: false };
  const { client, calls } = fakeNode({ 'GET /api/memory/status': () => fail ?? { body: status } });
  return { api: new MemoryApi(client), calls };
}

const bar = () => screen.getByRole('progressbar', { name: /Re-embedding memories/ }) as HTMLProgressElement;

beforeEach(() => FakeEvents.reset());

describe('MemoryReembed', () => {
  it('shows a run found at load, follows it live, and goes when it is done', async () => {
    const { api } = node(run(3, 24));
    const { unmount } = render(<MemoryReembed api={api} />);
    expect((await screen.findByTestId('memory-reembed')).textContent).toContain('Re-embedding memories with bitnet-b1.58-2b4t: 3/24');
    expect(screen.getByRole('progressbar', { name: 'Re-embedding memories with bitnet-b1.58-2b4t: 3/24' })).toBe(bar());
    expect([bar().value, bar().max]).toEqual([3, 24]);
    expect(bar().getAttribute('aria-valuetext')).toBe('3 of 24 memories');
    expect(screen.getByTestId('memory-reembed').textContent).toContain('words and trigram arms');

    await act(() => FakeEvents.emit('memory_reembed', run(16, 24)));
    expect(screen.getByTestId('memory-reembed').textContent).toContain('with bitnet-b1.58-2b4t: 16/24');
    expect(bar().value).toBe(16);

    await act(() => FakeEvents.emit('memory_reembed', run(24, 24, 'done')));
    expect(screen.queryByTestId('memory-reembed')).toBeNull();
    unmount(); // leaving the page closes its stream
    expect(FakeEvents.open).toHaveLength(0);
  });

  it('shows nothing while no run is going, then a new run when a model is loaded', async () => {
    const { api, calls } = node(run(24, 24, 'done'));
    render(<MemoryReembed api={api} />);
    await waitFor(() => expect(calls.map((c) => c.path)).toEqual(['/api/memory/status']));
    await act(async () => {});
    expect(screen.queryByTestId('memory-reembed')).toBeNull();
    expect(screen.queryByRole('progressbar')).toBeNull();

    await act(() => FakeEvents.emit('memory_reembed', run(0, 40)));
    expect(screen.getByRole('progressbar', { name: 'Re-embedding memories with bitnet-b1.58-2b4t: 0/40' })).toBeTruthy();
    await act(() => FakeEvents.emit('memory_reembed', run(8, 40, 'stopped'))); // another model was loaded
    expect(screen.queryByTestId('memory-reembed')).toBeNull();
  });

  it('still follows the events when the node cannot say its status', async () => {
    const { api, calls } = node(null, apiError(500, 'memory_error'));
    render(<MemoryReembed api={api} />);
    await waitFor(() => expect(calls).toHaveLength(1));
    await act(async () => {});
    expect(screen.queryByTestId('memory-reembed')).toBeNull();
    await act(() => FakeEvents.emit('memory_reembed', run(5, 10)));
    expect(bar().value).toBe(5);
  });

  it('keeps a newer event over a status that answers after it', async () => {
    let answer: (s: MemoryStatus) => void = () => undefined;
    let on: (r: MemoryReembedEvent) => void = () => undefined;
    const api = {
      status: () => new Promise<MemoryStatus>((ok) => { answer = ok; }),
      onReembed: (f: (r: MemoryReembedEvent) => void) => { on = f; return () => undefined; },
    };
    render(<MemoryReembed api={api} />);
    act(() => on(run(20, 24)));
    await act(async () => answer({ count: 24, space, missing: 20, reembed: run(4, 24), encrypted: false }));
    expect(bar().value).toBe(20);
  });
});
