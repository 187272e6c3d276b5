import { describe, expect, it } from 'vitest';
import { firstRunKey, localFirstRun } from './firstRun';

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
