// End to end (issue 15), accessibility: a real node that starts with no model, in Debian's
// Chromium through playwright-core. One script uses the keyboard alone (no pointer event reaches
// the page) from the first-run setup to a chat, the contribution switch, the ledger and a
// memory edit; axe-core then checks every page of the navigation — whichever pages it holds —
// and the dialogs in light and in dark. With ARIA_SCREENSHOTS=1 it saves each page in both
// themes as docs/screenshots/PAGE-THEME.png (never during make test: those files are tracked).
// The tests run in order on one node: the first leaves the demo model loaded and a ledger entry.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repo } from './node';

const bin = process.env.ARIA_BIN ?? join(repo, 'bin/aria');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const screenshots = process.env.ARIA_SCREENSHOTS === '1';
const shotDir = join(repo, 'docs/screenshots');
const themes = ['light', 'dark'] as const;

let tmp = '';
let node: ChildProcess | null = null;
let browser: Browser;
let url = '';

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run make build first`);
  if (!existsSync(browserPath)) throw new Error(`${browserPath} is missing: apt-get install chromium (make test does)`);
  tmp = mkdtempSync(join(tmpdir(), 'aria-e2e-a11y-'));
  // No --model: a first start, as a new user has it. Loopback only, no LAN discovery.
  const n = spawn(bin, ['serve', '--addr', '127.0.0.1:0', '--data-dir', join(tmp, 'data'),
    '--p2p-listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'], { stdio: ['ignore', 'pipe', 'pipe'] });
  node = n;
  url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`no listening line from aria serve: ${out}`)), 30_000);
    n.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ARIA node listening on (\S+)/.exec(out);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    n.on('exit', (code) => fail(new Error(`aria serve exited with ${code}: ${out}`)));
  });
  browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox'] });
  if (screenshots) mkdirSync(shotDir, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  node?.kill('SIGTERM');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function api<T>(path: string, init?: RequestInit): Promise<T> {
  const r = await fetch(url + path, init);
  if (!r.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** until polls f (an assertion, or a test of the node) until it holds; then its last failure is thrown. */
async function until(f: () => unknown | Promise<unknown>, ms = 15_000): Promise<void> {
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

interface Violation { id: string; impact: string | null; help: string; nodes: { target: string[]; failureSummary?: string }[] }

/** axe runs axe-core on the page and returns its serious and critical violations, readable. */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ path: axePath });
  const found = await page.evaluate(async () => {
    const w = window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Violation[] }> } };
    return (await w.axe.run(document, { resultTypes: ['violations'] })).violations;
  });
  return found
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} (${n.failureSummary ?? ''})`).join('; ')}`);
}

const setTheme = (page: Page, t: string | null) => page.evaluate((t) => {
  if (t) document.documentElement.dataset.theme = t;
  else delete document.documentElement.dataset.theme;
}, t);

/**
 * checkThemes runs axe on what is on screen in light and in dark (and saves a screenshot of each
 * when asked), then goes back to the system theme; it returns the violations, named by where.
 */
async function checkThemes(page: Page, name: string): Promise<string[]> {
  const out: string[] = [];
  for (const t of themes) {
    await setTheme(page, t);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    out.push(...(await axe(page)).map((v) => `${name} (${t}): ${v}`));
    if (screenshots) await page.screenshot({ path: join(shotDir, `${name}-${t}.png`) });
  }
  await setTheme(page, null);
  return out;
}

const active = (page: Page) => page.evaluate(() => {
  const e = document.activeElement;
  return e ? (e.getAttribute('data-testid') ?? e.id ?? e.tagName) : null;
});

/** tabTo presses Tab until the focus is on an element matching selector (or gives up). */
async function tabTo(page: Page, selector: string, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`${max} presses of Tab never reached ${selector} (focus on ${await active(page)})`);
}

async function openPage(page: Page, id: string): Promise<void> {
  await tabTo(page, `[data-testid="nav-${id}"]`);
  await page.keyboard.press('Enter');
  await until(async () => expect(await page.getAttribute(`[data-testid="nav-${id}"]`, 'aria-current')).toBe('page'));
}

it('a keyboard alone completes first run with the demo model, chats, switches contribution, verifies the ledger and edits a memory', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e));
  // Count every pointer event the page receives: there must be none.
  await page.addInitScript(() => {
    const w = window as unknown as { pointerEvents: string[] };
    w.pointerEvents = [];
    for (const t of ['pointerdown', 'pointerup', 'mousedown', 'mouseup', 'touchstart', 'wheel']) {
      window.addEventListener(t, () => w.pointerEvents.push(t), true);
    }
  });
  await page.goto(url);
  const problems: string[] = [];

  // 1. Welcome: the setup opens by itself on a node with no model, its heading focused.
  await page.getByTestId('first-run').waitFor({ timeout: 15_000 });
  await until(async () => expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Welcome to ARIA'));
  problems.push(...(await checkThemes(page, 'first-run')));
  await tabTo(page, '[data-testid="wizard-next"]');
  await page.keyboard.press('Enter');

  // 2. Model: the labelled demo model, made and loaded offline.
  await until(async () => expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Choose a model'));
  problems.push(...(await checkThemes(page, 'first-run-model')));
  await tabTo(page, '[data-testid="demo-model"]');
  await page.keyboard.press('Enter');
  await until(async () => expect(await page.getByTestId('model-loaded').textContent()).toMatch(/^Loaded: /), 60_000);
  const st = await api<{ model: { synthetic: boolean } | null }>('/api/status');
  expect(st.model?.synthetic).toBe(true);
  await tabTo(page, '[data-testid="wizard-next"]');
  await page.keyboard.press('Enter');

  // 3. Contribution: off, explained; left off here.
  await until(async () => expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Lend this computer to the network?'));
  await until(async () => expect(await page.getByTestId('wizard-contribute-state').textContent()).toContain('Off'));
  expect(await page.getByTestId('wizard-contribute').getAttribute('aria-checked')).toBe('false');
  problems.push(...(await checkThemes(page, 'first-run-contribution')));
  await tabTo(page, '[data-testid="wizard-next"]');
  await page.keyboard.press('Enter');

  // 4. Privacy, then the chat with the focus in the message box.
  await until(async () => expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('What stays on this computer'));
  expect(await page.getByTestId('privacy-contribution').textContent()).toContain('You do not contribute');
  problems.push(...(await checkThemes(page, 'first-run-privacy')));
  await tabTo(page, '[data-testid="wizard-finish"]');
  await page.keyboard.press('Enter');
  await until(async () => expect(await active(page)).toBe('chat-input'));

  // The help sheet: F1 opens it, Tab stays inside, Escape gives the focus back to the message box.
  await page.keyboard.press('F1');
  await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
  for (let i = 0; i < 4; i++) {
    await page.keyboard.press(i % 2 ? 'Shift+Tab' : 'Tab');
    expect(await page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await page.getByRole('dialog').waitFor({ state: 'detached' });
  expect(await active(page)).toBe('chat-input');

  // A chat: typed and sent with Enter; the answer streams in and ends.
  await page.keyboard.type('Hello, small computer.');
  await page.keyboard.press('Enter');
  await page.getByTestId('send').waitFor({ timeout: 60_000 });
  await until(async () => expect((await page.getByTestId('message').nth(1).textContent())?.length ?? 0).toBeGreaterThan(4), 60_000);

  // Contribution on, from the Peers page.
  await openPage(page, 'network');
  await page.getByTestId('contribute').waitFor({ timeout: 10_000 });
  await tabTo(page, '[data-testid="contribute"]');
  await page.keyboard.press('Space');
  await until(async () => expect(await page.getByTestId('contribute').getAttribute('aria-checked')).toBe('true'));
  expect((await api<{ policy: { contribute: boolean } }>('/api/policy')).policy.contribute).toBe(true);

  // The ledger: the chat's entry, opened where the page offers a detail, and the chain verified.
  await openPage(page, 'ledger');
  await page.getByTestId('ledger-entry').first().waitFor({ timeout: 10_000 });
  const { entries } = await api<{ entries: { seq: number; hash: string; kind: string }[] }>('/api/ledger?limit=1000');
  expect(entries.map((e) => e.kind)).toContain('local');
  await tabTo(page, '[data-testid="verify"]');
  await page.keyboard.press('Enter');
  await until(async () => expect(await page.getByTestId('verify-result').textContent()).toMatch(/^Ledger OK: \d+ entr/));
  // The newest entry (the first row) opens as a dialog that shows its hash; Escape closes it.
  const newest = entries.reduce((a, b) => (b.seq > a.seq ? b : a));
  await tabTo(page, `[data-testid="ledger-entry"][data-seq="${newest.seq}"] [data-testid="ledger-open"]`);
  await page.keyboard.press('Enter');
  await until(async () => expect(await page.locator('[role="dialog"]').textContent()).toContain(newest.hash));
  await page.keyboard.press('Escape');
  await until(async () => expect(await page.locator('[role="dialog"]').count()).toBe(0));

  // A memory, added and then edited in place.
  await openPage(page, 'memory');
  await tabTo(page, '[data-testid="memory-add-text"]');
  await page.keyboard.type('The spare key is under the blue flowerpot');
  await tabTo(page, '[data-testid="memory-add-submit"]');
  await page.keyboard.press('Enter');
  await page.getByTestId('memory-edit').first().waitFor({ timeout: 10_000 });
  await tabTo(page, '[data-testid="memory-edit"]');
  await page.keyboard.press('Enter');
  await until(async () => expect(await active(page)).toBe('memory-edit-text'));
  await page.keyboard.press('Control+A');
  await page.keyboard.type('The spare key is under the green flowerpot');
  await tabTo(page, '[data-testid="memory-edit-save"]');
  await page.keyboard.press('Enter');
  await until(async () => {
    const { data } = await api<{ data: { text: string }[] }>('/api/memory?limit=100');
    expect(data.map((m) => m.text)).toEqual(['The spare key is under the green flowerpot']);
  });

  expect(await page.evaluate(() => (window as unknown as { pointerEvents: string[] }).pointerEvents)).toEqual([]);
  expect(problems).toEqual([]);
  await page.close();
});

it('axe-core finds no serious or critical violation on any page of the navigation, light and dark', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(url);
  // A chat first, so that the chat, the ledger and the activity charts have something to show.
  await page.getByTestId('chat-input').waitFor({ timeout: 15_000 });
  await page.getByTestId('chat-input').fill('Tell me about small computers.');
  await page.getByTestId('chat-input').press('Enter');
  await page.getByTestId('send').waitFor({ timeout: 60_000 });

  const nav = await page.$$eval('nav[aria-label="Pages"] button[data-testid^="nav-"]',
    (bs) => bs.map((b) => ({ id: (b as HTMLElement).dataset.testid!.slice(4), label: b.textContent!.trim() })));
  expect(nav.map((n) => n.id)).toEqual(expect.arrayContaining(['chat', 'memory', 'models', 'ledger', 'activity', 'settings']));
  const problems: string[] = [];
  for (const { id, label } of nav) {
    await page.getByTestId(`nav-${id}`).click();
    await until(async () => expect(await page.getAttribute(`[data-testid="nav-${id}"]`, 'aria-current')).toBe('page'));
    // Settled: nothing says it is still loading.
    await until(async () => expect(await page.locator('main').textContent()).not.toMatch(/Loading…|Connecting/));
    if (id === 'activity') await page.getByTestId('chart-cpu').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(300);
    problems.push(...(await checkThemes(page, label.toLowerCase())));
  }
  // The help sheet, over the last page.
  await page.keyboard.press('F1');
  await page.getByRole('dialog').waitFor();
  problems.push(...(await checkThemes(page, 'shortcuts')));
  expect(problems).toEqual([]);
  await page.close();
});

it('themes follow the system unless one is chosen, focus is visible, and reduced motion stops the cursor', async () => {
  const page = await browser.newPage({ viewport: { width: 1000, height: 700 } });
  await page.goto(url);
  await page.getByTestId('chat-input').waitFor({ timeout: 15_000 });
  const bg = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  await page.emulateMedia({ colorScheme: 'dark' });
  expect(await bg()).toBe('rgb(16, 18, 24)');
  await setTheme(page, 'light');
  expect(await bg()).toBe('rgb(245, 246, 248)');
  await setTheme(page, 'system'); // what a settings page may write: the system decides
  expect(await bg()).toBe('rgb(16, 18, 24)');
  await page.emulateMedia({ colorScheme: 'light' });
  expect(await bg()).toBe('rgb(245, 246, 248)');
  await setTheme(page, 'dark');
  expect(await bg()).toBe('rgb(16, 18, 24)');
  await setTheme(page, null);

  // The keyboard's focus shows a 2px ring; a click's does not.
  await tabTo(page, '[data-testid="nav-memory"]');
  const ring = () => page.evaluate(() => {
    const s = getComputedStyle(document.activeElement!);
    return `${s.outlineStyle} ${s.outlineWidth}`;
  });
  expect(await ring()).toBe('solid 2px');
  await page.getByTestId('nav-models').click();
  expect(await ring()).toMatch(/^none /);

  // The answer's blinking cursor, and the same under reduced motion.
  const cursor = () => page.evaluate(() => {
    const c = document.createElement('span');
    c.className = 'cursor';
    document.body.append(c);
    const name = getComputedStyle(c).animationName;
    c.remove();
    return name;
  });
  expect(await cursor()).toBe('blink');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await cursor()).toBe('none');
  await page.close();
});
