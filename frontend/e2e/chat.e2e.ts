// End to end: a real node serving a synthetic model and this interface, driven in Debian's
// Chromium through playwright-core (never a downloaded browser). With ARIA_SCREENSHOTS=1 it saves
// docs/screenshot-chat.png (not during make test: the file is tracked).
// The tests run in order on one node: the chat's request is the ledger's first entry.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repo, startNode, type TestNode } from './node';


let node: TestNode;
let browser: Browser;
let url = '';

beforeAll(async () => {
  node = await startNode('aria-e2e-', [
    // Wide enough that a reply takes about a second, so streaming is visible.
    '--shape', 'tiny', '--n-embd', '1536', '--n-ff', '4096', '--n-layer', '12', '--n-head', '12', '--n-head-kv', '4', '--type', 'tq2_0',
  ]);
  ({ url, browser } = node);
});

afterAll(async () => {
  await node?.stop();
});

it('streams an answer and shows tokens/s and mJ/token with their label', async () => {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.getByTestId('chat-input').fill('Tell me a story about a small computer.');
  // Record, inside the page, every length the assistant's message takes while it streams.
  await page.evaluate(() => {
    const w = window as unknown as { lengths: number[] };
    w.lengths = [];
    new MutationObserver(() => {
      const m = document.querySelectorAll('[data-testid="message"]')[1];
      if (m) w.lengths.push((m.textContent ?? '').length);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByTestId('send').click();
  await page.getByTestId('stop').waitFor({ timeout: 10_000 }); // generating

  await page.getByTestId('send').waitFor({ timeout: 60_000 }); // generation finished
  const lengths = new Set(await page.evaluate(() => (window as unknown as { lengths: number[] }).lengths));
  expect(lengths.size).toBeGreaterThanOrEqual(3); // the text grew piece by piece, not all at once
  const tps = Number(await page.getByTestId('tokens-per-s').textContent());
  expect(tps).toBeGreaterThan(0);
  const mj = Number(await page.getByTestId('mj-per-token').textContent());
  expect(mj).toBeGreaterThan(0);
  const kind = await page.getByTestId('energy-kind').textContent();
  expect(['measured', 'estimated']).toContain(kind);
  console.log(`UI showed ${tps} tokens/s, ${mj} mJ/token (${kind})`);
  if (process.env.ARIA_SCREENSHOTS === '1') await page.screenshot({ path: join(repo, 'docs/screenshot-chat.png') });
});

async function api<T>(path: string): Promise<T> {
  const r = await fetch(url + path);
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

it("shows the node's peer ID on the Network page and switches contribution on", async () => {
  const { peer_id } = await api<{ peer_id: string }>('/api/network');
  const before = await api<{ policy: { contribute: boolean } }>('/api/policy');
  expect(before.policy.contribute).toBe(false); // a new data directory: off until the user says so
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await page.getByTestId('nav-network').click();
  await page.getByTestId('peer-id').waitFor({ timeout: 10_000 });
  expect(await page.getByTestId('peer-id').textContent()).toBe(peer_id);
  const sw = page.getByRole('switch', { name: 'Contribute to the network' });
  expect(await sw.getAttribute('aria-checked')).toBe('false');
  await sw.click();
  await page.locator('[data-testid="contribute"][aria-checked="true"]').waitFor({ timeout: 10_000 });
  const after = await api<{ policy: { contribute: boolean } }>('/api/policy');
  expect(after.policy.contribute).toBe(true);
  await page.close();
});

it("lists the chat's request on the Ledger page and Verify finds the ledger OK", async () => {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
  await page.goto(url);
  await page.getByTestId('nav-ledger').click();
  await page.getByTestId('ledger-entry').first().waitFor({ timeout: 10_000 });
  expect(await page.getByTestId('ledger-kind').allTextContents()).toContain('local');
  await page.getByTestId('verify').click();
  const result = page.getByTestId('verify-result');
  await result.waitFor({ timeout: 10_000 });
  const { entries } = await api<{ entries: unknown[] }>('/api/ledger?limit=1000');
  expect(await result.textContent()).toBe(`Ledger OK: ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}`);
  await page.close();
});

async function post<T>(path: string, body: unknown): Promise<T> {
  const r = await fetch(url + path, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  if (!r.ok) throw new Error(`POST ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/** overflow is how far the page and an element run past their width (0 when everything fits). */
async function overflow(page: Page, selector: string, i: number) {
  return page.evaluate(([sel, k]) => {
    const el = document.querySelectorAll(sel)[k as number] as HTMLElement;
    const doc = document.scrollingElement!;
    return { page: doc.scrollWidth - doc.clientWidth, bubble: el.scrollWidth - el.clientWidth, width: el.clientWidth };
  }, [selector, i] as const);
}

const long = 'x'.repeat(1500) + 'Y'.repeat(1500); // 3,000 characters, no space

it('wraps a 3,000-character line without spaces inside its bubble; Stop keeps the answer, marked stopped; the draft outlives a page switch', async () => {
  const page = await browser!.newPage({ viewport: { width: 1024, height: 800 } });
  await page.goto(url);
  await page.getByTestId('chat-input').fill(long);
  await page.getByTestId('send').click();
  const sent = page.getByTestId('message').first();
  await sent.waitFor({ timeout: 10_000 });
  expect((await sent.locator('.plain').textContent())?.length).toBe(3000);
  const o = await overflow(page, '[data-testid="message"]', 0);
  expect(o.page).toBeLessThanOrEqual(0); // no horizontal scroll of the page
  expect(o.bubble).toBeLessThanOrEqual(0); // nor of the bubble
  expect(o.width).toBeGreaterThan(200); // it wrapped, it was not squeezed
  expect((await sent.boundingBox())!.height).toBeGreaterThan(100); // into many lines

  // A prompt this long takes a while on this model: Stop it; what was written stays, marked.
  await page.getByTestId('stop').click();
  await page.getByTestId('send').waitFor({ timeout: 10_000 });
  const answer = page.getByTestId('message').nth(1);
  expect(await answer.getByTestId('stopped').textContent()).toBe('stopped');
  expect((await overflow(page, '[data-testid="message"]', 1)).bubble).toBeLessThanOrEqual(0);

  // The draft outlives a trip to another page.
  await page.getByTestId('chat-input').fill('half a thought');
  await page.getByTestId('nav-memory').click();
  await page.getByTestId('memory-page').waitFor({ timeout: 10_000 });
  await page.getByTestId('nav-chat').click();
  expect(await page.getByTestId('chat-input').inputValue()).toBe('half a thought');
  expect(await page.getByTestId('message').count()).toBe(2); // and the conversation
  await page.close();
});

it('renders a code block of an answer with a Copy button; a long line scrolls in the block, not the page', async () => {
  const code = `const s = "${'z'.repeat(400)}";\nconsole.log(s.length);\n`;
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const answer = `Here it is:\n\n\`\`\`js\n${code}\`\`\`\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n${long}\n\n<img src=x onerror="window.pwned=1">`;
  await post('/api/conversations', {
    id: 'e2e-code', title: 'Code sample', created: now, updated: now,
    messages: [{ role: 'user', content: 'Show me code' }, { role: 'assistant', content: answer }],
  });
  const ctx = await browser!.newContext({ viewport: { width: 1024, height: 800 } });
  await ctx.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: url });
  const page = await ctx.newPage();
  await page.goto(url);
  await page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: 'Code sample', exact: true }).click();
  const msg = page.getByTestId('message').nth(1);
  const block = msg.getByTestId('code-block');
  await block.waitFor({ timeout: 10_000 });
  const copy = block.getByRole('button', { name: 'Copy js code' });
  await copy.click();
  await page.getByTestId('copy-code-status').filter({ hasText: 'Copied' }).waitFor({ timeout: 5_000 });
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(code);
  expect(await msg.locator('li').allTextContents()).toEqual(['one', 'two']);
  expect(await msg.locator('td').allTextContents()).toEqual(['1', '2']);
  expect(await msg.locator('img').count()).toBe(0);
  expect(await page.evaluate(() => (window as unknown as { pwned?: number }).pwned)).toBeUndefined();
  const o = await overflow(page, '[data-testid="message"]', 1);
  expect(o.page).toBeLessThanOrEqual(0);
  expect(o.bubble).toBeLessThanOrEqual(0);
  const pre = await block.locator('pre').evaluate((p) => ({ scroll: p.scrollWidth, client: p.clientWidth }));
  expect(pre.scroll).toBeGreaterThan(pre.client); // the code scrolls inside its block
  await ctx.close();
});

// A node of its own, on a data directory that outlives it: `aria serve` on a fixed address.
const bin = process.env.ARIA_BIN ?? join(repo, 'bin/aria');

async function serve(model: string, data: string, addr: string): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(bin, ['serve', '--model', model, '--addr', addr, '--data-dir', data, '--no-p2p'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const at = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`no listening line from aria serve: ${out}`)), 30_000);
    proc.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ARIA node listening on (\S+)/.exec(out);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    proc.stderr!.on('data', (b: Buffer) => { out += b.toString(); });
    proc.on('exit', (code) => fail(new Error(`aria serve exited with ${code}: ${out}`)));
  });
  return { url: at, proc };
}

async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  const gone = new Promise<void>((ok) => proc.once('exit', () => ok()));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), 15_000);
  await gone;
  clearTimeout(t);
}

it('a conversation survives a restart of the node', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'aria-e2e-restart-'));
  const model = join(tmp, 'model.gguf');
  const data = join(tmp, 'data');
  let proc: ChildProcess | null = null;
  try {
    expect(existsSync(bin)).toBe(true);
    const synth = spawnSync(bin, ['synth', '--shape', 'tiny', '--type', 'tq2_0', '--out', model], { encoding: 'utf8' });
    expect(synth.status, synth.stderr).toBe(0);
    let node = await serve(model, data, '127.0.0.1:0');
    proc = node.proc;
    const addr = new URL(node.url).host; // the same address again: the page reloads where it was
    const page = await browser!.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(node.url);
    await page.getByTestId('chat-input').fill('Remember this conversation about lighthouses');
    await page.getByTestId('send').click();
    await page.getByTestId('send').waitFor({ timeout: 60_000 });
    const before = await page.getByTestId('message').locator('.plain, .markdown').allTextContents();
    expect(before).toHaveLength(2);
    expect(before[0]).toBe('Remember this conversation about lighthouses');
    const title = page.getByRole('navigation', { name: 'Conversations' }).getByRole('button', { name: /^Remember this conversation/ });
    await title.waitFor({ timeout: 10_000 }); // the node said it saved it

    await stop(proc);
    node = await serve(model, data, addr);
    proc = node.proc;
    await page.reload();
    await title.click();
    await page.getByTestId('message').nth(1).waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('message').locator('.plain, .markdown').allTextContents()).toEqual(before);
    await page.close();
  } finally {
    if (proc) await stop(proc);
    rmSync(tmp, { recursive: true, force: true });
  }
});
