import { describe, expect, it } from 'vitest';
import { firstRunKey, localFirstRun, nodeFirstRun } from './firstRun';

describe('localFirstRun', () => {
  it('is not done on a fresh page, remembers done, and forgets it to run again', async () => {
    localStorage.clear();
    const a = localFirstRun(localStorage);
    expect(await a.isDone()).toBe(false);
    await a.setDone(true);
    expect(localStorage.getItem(firstRunKey)).toBe('1');
    expect(await localFirstRun(localStorage).isDone()).toBe(true); // a reload reads it back
    await a.setDone(false);
    expect(await localFirstRun(localStorage).isDone()).toBe(false);
  });

  it('keeps the flag for the page when storage refuses', async () => {
    const refusing = {
      getItem() { throw new Error('denied'); },
      setItem() { throw new Error('denied'); },
      removeItem() { throw new Error('denied'); },
    } as unknown as Storage;
    const s = localFirstRun(refusing);
    expect(await s.isDone()).toBe(false);
    await s.setDone(true);
    expect(await s.isDone()).toBe(true);
    expect(await localFirstRun(null).isDone()).toBe(false);
  });
});

describe('nodeFirstRun', () => {
  it("reads and writes the node's first_run_done, and uses the page's storage when the node cannot answer", async () => {
    let saved: boolean | undefined;
    const patches: boolean[] = [];
    const api = {
      async get() { return { settings: { first_run_done: saved } }; },
      async patch(p: { first_run_done: boolean }) { patches.push(p.first_run_done); saved = p.first_run_done; return {}; },
    };
    localStorage.clear();
    const s = nodeFirstRun(api, localFirstRun(localStorage));
    expect(await s.isDone()).toBe(false);
    await s.setDone(true);
    expect(patches).toEqual([true]);
    expect(await s.isDone()).toBe(true);
    expect(localStorage.getItem(firstRunKey)).toBeNull(); // the node keeps it, not the page

    const down = {
      async get(): Promise<{ settings: { first_run_done?: boolean } }> { throw new Error('offline'); },
      async patch(): Promise<unknown> { throw new Error('offline'); },
    };
    const f = nodeFirstRun(down, localFirstRun(localStorage));
    await f.setDone(true);
    expect(await f.isDone()).toBe(true);
    expect(localStorage.getItem(firstRunKey)).toBe('1');
  });
});
