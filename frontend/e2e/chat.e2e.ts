// End to end: a real node serving a synthetic model and this interface, driven in Debian's
// Chromium through playwright-core (never a downloaded browser). With ARIA_SCREENSHOTS=1 it saves
// docs/screenshot-chat.png (not during make test: the file is tracked).
// The tests run in order on one node: the chat's request is the ledger's first entry.
import { join } from 'node:path';
import { type Browser } from 'playwright-core';
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
