// End to end (issue 14): the Memory page and memory in chat, against a real node serving a
// synthetic model, in Debian's Chromium through playwright-core (never a downloaded browser).
// The tests run in order on one node and one data directory; each asserts what a user sees and
// what the node then holds (GET /api/memory, /api/intentions).
import { type Browser, type Locator, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNode, type TestNode } from './node';

let node: TestNode;
let browser: Browser;
let url = '';

beforeAll(async () => {
  node = await startNode('aria-e2e-mem-', ['--shape', 'tiny', '--type', 'tq2_0']);
  ({ url, browser } = node);
});

afterAll(async () => {
  await node?.stop();
});

interface Item { id: string; kind: string; text: string; pinned: boolean; importance: number; never_recall: boolean }
interface Hit { id: string; text: string; score: number; why: Record<string, number> }
interface Intention { id: string; text: string; state: string; cue?: string }

async function api<T>(path: string): Promise<T> {
  const r = await fetch(url + path);
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}
const memories = async () => (await api<{ data: Item[] }>('/api/memory?limit=1000')).data;

/** until polls f (an assertion, or a test of the node) until it holds; then its last failure is thrown. */
async function until(f: () => unknown | Promise<unknown>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      if ((await f()) !== false) return;
      if (Date.now() > end) throw new Error('still false');
    } catch (e) {
      if (Date.now() > end) throw e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.id ?? null);

async function openMemory(): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(url);
  await page.getByTestId('nav-memory').press('Enter'); // the nav is buttons: the keyboard opens it
  await page.getByTestId('memory-page').waitFor({ timeout: 10_000 });
  return page;
}

/** add types a memory into the form and submits it with the keyboard; the form says it was remembered. */
async function add(page: Page, text: string): Promise<Locator> {
  await page.getByTestId('memory-add-text').fill(text);
  await page.getByTestId('memory-add-submit').press('Enter');
  await until(async () => expect(await page.getByTestId('memory-status').textContent()).toContain(text.slice(0, 40)));
  await until(async () => expect(await page.getByTestId('memory-add-text').inputValue()).toBe('')); // cleared for the next one
  expect(await focused(page)).toBe('memory-add-text');
  const row = page.getByTestId('memory-item').filter({ has: page.getByTestId('memory-text').getByText(text, { exact: true }) });
  await row.waitFor({ timeout: 10_000 });
  return row;
}

const shownTexts = (page: Page) => page.getByTestId('memory-text').allTextContents();

it('adds, edits, pins, deletes (with Undo) a memory; after a reload the list is the node\'s', async () => {
  const page = await openMemory();
  const first = 'The spare key is under the blue flowerpot';
  let row = await add(page, first);
  expect(await row.getByTestId('memory-kind').textContent()).toBe('semantic');
  let node = (await memories()).find((m) => m.text === first);
  expect(node).toBeTruthy();
  expect(await row.getAttribute('data-id')).toBe(node!.id);

  // Edit in place: Enter on Edit puts the focus in the text; Save returns it to Edit.
  await row.getByTestId('memory-edit').press('Enter');
  expect(await focused(page)).toBe('memory-edit-text');
  const edited = 'The spare key is under the green flowerpot by the door';
  await page.getByTestId('memory-edit-text').fill(edited);
  await page.getByTestId('memory-edit-importance').fill('0.9');
  await page.getByTestId('memory-edit-never-recall').press('Space');
  await page.getByTestId('memory-edit-save').press('Enter');
  row = page.locator(`[data-testid="memory-item"][data-id="${node!.id}"]`);
  await until(async () => expect(await row.getByTestId('memory-text').textContent()).toBe(edited));
  expect(await page.getByTestId('memory-status').textContent()).toBe('Saved.');
  expect(await focused(page)).toBe('memory-edit');
  node = (await memories()).find((m) => m.id === node!.id);
  expect(node).toMatchObject({ text: edited, importance: 0.9, never_recall: true, pinned: false });
  expect(await row.getByText('never recalled', { exact: true }).count()).toBe(1);

  // Pin.
  await row.getByTestId('memory-pin').press('Enter');
  await row.getByTestId('memory-pinned').waitFor({ timeout: 10_000 });
  expect(await row.getByTestId('memory-pin').textContent()).toBe('Unpin');
  expect(await page.getByTestId('memory-status').textContent()).toContain('Pinned:');
  await until(async () => expect((await memories()).find((m) => m.id === node!.id)?.pinned).toBe(true));

  // Delete: gone from the list and the node; Undo has the focus and brings it back as it was.
  await row.getByTestId('memory-delete').press('Enter');
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  expect(await shownTexts(page)).not.toContain(edited);
  expect(await page.getByTestId('memory-status').textContent()).toContain('Deleted:');
  await page.getByTestId('memory-undo').waitFor({ timeout: 10_000 });
  expect(await focused(page)).toBe('memory-undo');
  expect((await memories()).some((m) => m.text === edited)).toBe(false);
  await page.keyboard.press('Enter');
  await page.getByTestId('memory-undo').waitFor({ state: 'detached', timeout: 10_000 });
  expect(await page.getByTestId('memory-status').textContent()).toContain('Restored:');
  row = page.getByTestId('memory-item').filter({ has: page.getByTestId('memory-text').getByText(edited, { exact: true }) });
  await row.waitFor({ timeout: 10_000 });
  expect(await row.getByTestId('memory-pinned').count()).toBe(1);
  const back = (await memories()).filter((m) => m.text === edited);
  expect(back).toHaveLength(1);
  expect(back[0]).toMatchObject({ id: node!.id, kind: 'semantic', pinned: true, importance: 0.9, never_recall: true });
  await until(async () => expect(await row.getByText('never recalled', { exact: true }).count()).toBe(1));

  // Delete again, and let the Undo offer lapse (reloading drops it).
  await row.getByTestId('memory-delete').press('Enter');
  await row.waitFor({ state: 'detached', timeout: 10_000 });
  await until(async () => expect((await memories()).some((m) => m.text === edited)).toBe(false));
  const second = 'Dentist appointments are on Tuesday mornings';
  await add(page, second);

  await page.reload();
  await page.getByTestId('nav-memory').press('Enter');
  await page.getByTestId('memory-item').first().waitFor({ timeout: 10_000 });
  const onNode = await memories();
  expect(await shownTexts(page)).toEqual(onNode.map((m) => m.text));
  expect(await shownTexts(page)).toEqual([second]);
  expect(await page.getByTestId('memory-undo').count()).toBe(0);
  await page.close();
});

it('finds a memory from a typo and an inflected word, best first, and shows why with each arm\'s score', async () => {
  const page = await openMemory();
  const dog = 'Our dog Biscuit is afraid of thunderstorms';
  const texts = [
    'My sister Alice works as a marine biologist in Lisbon',
    dog,
    'The quarterly budget review happens every March',
    'I prefer green tea to coffee in the morning',
  ];
  for (const t of texts) await add(page, t);

  const search = async (q: string) => {
    await page.getByTestId('memory-search-q').fill(q);
    await page.getByTestId('memory-search-q').press('Enter'); // a search form: Enter searches
    await until(async () => expect(await page.getByTestId('memory-search-count').textContent()).toContain(`“${q}”`));
    return page.getByTestId('memory-hit');
  };

  // An inflected word: "biologists" for "biologist".
  let hits = await search('biologists');
  expect(await hits.first().locator('.hit-text').textContent()).toBe(texts[0]);
  await hits.first().locator('summary').press('Enter');
  const bm25 = (await hits.first().getByTestId('why-bm25').locator('td').first().textContent())!.trim();
  expect(Number(bm25)).toBeGreaterThan(0); // the stemmed words match

  // A typo: "thundrstorms".
  const q = 'thundrstorms';
  hits = await search(q);
  expect(await hits.count()).toBeGreaterThanOrEqual(1);
  const top = hits.first();
  expect(await top.locator('.hit-text').textContent()).toBe(dog);
  const node = (await api<{ data: Hit[] }>(`/api/memory/search?${new URLSearchParams({ q, k: '5' })}`)).data;
  expect(node[0].text).toBe(dog);
  expect(await top.getByTestId('memory-hit-score').textContent()).toBe(node[0].score.toFixed(3));

  // "Why recalled" opens with the keyboard and shows each arm's score as a number, the node's.
  const why = top.getByTestId('memory-why');
  expect(await why.getAttribute('open')).toBeNull();
  await why.locator('summary').press('Enter');
  await until(async () => expect(await why.getAttribute('open')).not.toBeNull());
  const cell = async (arm: string) => (await top.getByTestId(`why-${arm}`).locator('td').first().textContent())!.trim();
  for (const arm of ['bm25', 'trigram', 'vector']) {
    await top.getByTestId(`why-${arm}`).waitFor({ state: 'visible' });
    const s = await cell(arm);
    expect(s, `why-${arm}`).toMatch(/^-?\d+\.\d{3}$/);
    expect(Number(s)).toBeCloseTo(node[0].why[arm], 3);
  }
  // A typo: the words arm finds nothing, the spelling arm does.
  expect(Number(await cell('trigram'))).toBeGreaterThan(0);
  const rank = (await top.getByTestId('why-trigram').locator('td').nth(1).textContent())!.trim();
  expect(rank).toMatch(/^#\d+$/);
  console.log(`why recalled "${dog}" for "${q}":`, JSON.stringify(node[0].why));
  await page.close();
});

it('fires a topic reminder in a memory chat as a chip, dismissed with the keyboard: the reminder is done', async () => {
  const page = await openMemory();
  const text = 'Renew the passport before booking flights';
  await page.getByTestId('intention-text').fill(text);
  expect(await page.getByTestId('intention-trigger-cue').isChecked()).toBe(true);
  await page.getByTestId('intention-cue').fill('travel plans');
  await page.getByTestId('intention-submit').press('Enter');
  const row = page.getByTestId('intention').filter({ hasText: text });
  await row.waitFor({ timeout: 10_000 });
  expect(await row.getByTestId('intention-state').textContent()).toBe('pending');
  expect(await row.getByTestId('intention-trigger').textContent()).toBe('when “travel plans” comes up');
  const set = (await api<{ data: Intention[] }>('/api/intentions')).data.find((i) => i.text === text);
  expect(set).toMatchObject({ state: 'pending', cue: 'travel plans' });

  // Chat with memory on (the switch, with the keyboard) about the topic in other words' forms.
  await page.getByTestId('nav-chat').press('Enter');
  const sw = page.getByTestId('memory-switch');
  await sw.waitFor({ timeout: 10_000 });
  expect(await sw.isChecked()).toBe(false); // off by default
  await sw.focus();
  await page.keyboard.press('Space');
  expect(await sw.isChecked()).toBe(true);
  await page.getByTestId('chat-input').fill("I'm travelling next week and planning the route.");
  await page.getByTestId('chat-input').press('Enter');
  await page.getByTestId('stop').waitFor({ timeout: 10_000 }).catch(() => undefined); // may be too quick to see
  await page.getByTestId('send').waitFor({ timeout: 60_000 });

  const chip = page.getByTestId('reminder-chip');
  await chip.waitFor({ timeout: 10_000 });
  expect(await chip.count()).toBe(1);
  expect(await chip.getAttribute('data-id')).toBe(set!.id);
  expect(await chip.textContent()).toContain(`Reminder: ${text}`);
  expect(await chip.getAttribute('aria-label')).toBe(`Reminder: ${text}`);
  // The chip sits on the answer (the second message), and the memory footer says what was used.
  const answer = page.getByTestId('message').nth(1);
  expect(await answer.getByTestId('reminder-chip').count()).toBe(1);
  expect(await page.getByTestId('memory-announce').textContent()).toBe(`Reminder: ${text}`);
  expect(await page.getByTestId('memory-used').count()).toBe(1);
  let state = (await api<{ data: Intention[] }>('/api/intentions')).data.find((i) => i.id === set!.id)?.state;
  expect(state).toBe('fired');

  // Tab reaches the chip; Delete dismisses it; the focus goes back to the message box.
  await page.getByTestId('chat-input').focus();
  for (let i = 0; i < 40 && (await focused(page)) !== 'reminder-chip'; i++) await page.keyboard.press('Shift+Tab');
  expect(await focused(page)).toBe('reminder-chip');
  await page.keyboard.press('Delete');
  await chip.waitFor({ state: 'detached', timeout: 10_000 });
  expect(await focused(page)).toBe('chat-input');
  expect(await page.getByTestId('memory-announce').textContent()).toBe('Reminder done.');
  await until(async () => {
    state = (await api<{ data: Intention[] }>('/api/intentions')).data.find((i) => i.id === set!.id)?.state;
    expect(state).toBe('done');
  });

  // Done: the same topic again fires nothing.
  await page.getByTestId('chat-input').fill('More travel plans: I plan to travel by train.');
  await page.getByTestId('chat-input').press('Enter');
  await until(async () => expect(await page.getByTestId('message').count()).toBe(4));
  await page.getByTestId('send').waitFor({ timeout: 60_000 });
  await until(async () => expect(await page.getByTestId('memory-used').count()).toBe(2)); // the second answer's footer
  expect(await page.getByTestId('reminder-chip').count()).toBe(0);

  // The Memory page says so too.
  await page.getByTestId('nav-memory').press('Enter');
  const again = page.getByTestId('intention').filter({ hasText: text });
  await again.waitFor({ timeout: 10_000 });
  expect(await again.getByTestId('intention-state').textContent()).toBe('done');
  // And the chat's turns (memory on, not private) are there as events (episodic).
  await page.getByTestId('memory-kind-episodic').press('Enter');
  expect(await page.getByTestId('memory-kind-episodic').getAttribute('aria-pressed')).toBe('true');
  await until(async () => {
    const shown = await shownTexts(page);
    expect(shown.some((t) => t.includes("I'm travelling next week"))).toBe(true);
    expect(await page.getByTestId('memory-kind').allTextContents()).toEqual(shown.map(() => 'episodic'));
  });
  const episodes = (await api<{ data: Item[] }>('/api/memory?kind=episodic&limit=1000')).data;
  expect(await shownTexts(page)).toEqual(episodes.slice(0, 20).map((m) => m.text));
  await page.close();
});
