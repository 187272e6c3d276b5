// End to end (issue 15): the Ledger page against a real node serving a synthetic model, in
// Debian's Chromium through playwright-core. A few local completions make the entries; the
// tests filter them, open one, verify, and export the filtered list.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startNode, type TestNode } from './node';

let node: TestNode;
let browser: Browser;
let url = '';
const completions = 4;

interface Entry { seq: number; kind: string; request_id: string; hash: string; model_sha256: string; energy_label: string }

async function api<T>(path: string): Promise<T> {
  const r = await fetch(url + path);
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

beforeAll(async () => {
  node = await startNode('aria-e2e-ledger-', ['--shape', 'tiny', '--type', 'tq2_0']);
  ({ url, browser } = node);
  for (let i = 0; i < completions; i++) {
    const r = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: `Count to ${i + 2}.` }], max_tokens: 4, seed: i }),
    });
    if (!r.ok) throw new Error(`completion ${i}: ${r.status} ${await r.text()}`);
  }
  // The ledger is written after the answer: wait until every completion is recorded.
  for (let t = 0; ; t++) {
    const { total } = await api<{ total: number }>('/api/ledger');
    if (total >= completions) break;
    if (t > 100) throw new Error(`only ${total} ledger entries after ${completions} completions`);
    await new Promise((ok) => setTimeout(ok, 100));
  }
});

afterAll(async () => {
  await node?.stop();
});

const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);

async function openLedger(): Promise<Page> {
  const page = await browser!.newPage({ viewport: { width: 1280, height: 900 }, acceptDownloads: true });
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(url);
  await page.getByTestId('nav-ledger').press('Enter');
  await page.getByTestId('ledger-entry').first().waitFor({ timeout: 10_000 });
  return page;
}

/** tableRows are the shown rows: entry number and kind, top to bottom. */
async function tableRows(page: Page): Promise<{ seq: number; kind: string }[]> {
  return page.getByTestId('ledger-entry').evaluateAll((rows) => rows.map((r) => ({
    seq: Number(r.getAttribute('data-seq')),
    kind: r.querySelector('[data-testid="ledger-kind"]')?.textContent ?? '',
  })));
}

/** serious runs axe-core in the page and returns its serious and critical violations. */
async function serious(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: Document): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document);
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
}

/** parseCSV reads RFC 4180 text: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCSV(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (c === '"') quoted = false; else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field || row.length) { row.push(field); rows.push(row); }
  return rows;
}

it('filters by kind: the local entries, then none served', async () => {
  const page = await openLedger();
  const all = await tableRows(page);
  expect(all.length).toBeGreaterThanOrEqual(completions);
  expect(all.map((r) => r.seq)).toEqual([...all.map((r) => r.seq)].sort((a, b) => b - a)); // newest first
  expect(await page.getByTestId('ledger-count').textContent()).toBe(`Entries 1–${all.length} of ${all.length}, newest first`);

  // Every entry here is local (no peers): the node is asked for local ones and all come back.
  await Promise.all([
    page.waitForResponse((r) => r.url().includes('/api/ledger?kind=local') && r.ok()),
    page.getByLabel('Kind').selectOption('local'),
  ]);
  await page.waitForFunction(() => !document.querySelector('.ledger')?.textContent?.includes('Loading'));
  const local = await tableRows(page);
  expect(local.length).toBe(completions);
  expect(new Set(local.map((r) => r.kind))).toEqual(new Set(['local']));
  const totals = await page.getByTestId('totals-local').getByRole('cell').allTextContents();
  expect(totals[0]).toBe(String(completions));
  expect(await serious(page)).toEqual([]);

  await page.getByLabel('Kind').selectOption('served');
  await page.getByTestId('ledger-empty').waitFor({ timeout: 10_000 });
  expect(await page.getByTestId('ledger-totals').count()).toBe(0);
  expect(await page.getByTestId('ledger-empty').textContent()).toBe('No served entries.');
  expect(await page.getByTestId('ledger-entry').count()).toBe(0);
  await page.close();
});

it('opens an entry by keyboard: its hash and energy label, its check; Escape returns to the row', async () => {
  const page = await openLedger();
  const first = (await tableRows(page))[0];
  const e = await api<Entry>(`/api/ledger/${first.seq}`);
  const open = page.getByRole('button', { name: `Entry ${first.seq}: details` });
  await open.focus();
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: `Ledger entry #${first.seq}` });
  await dialog.waitFor({ timeout: 10_000 });
  expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H2');
  expect(await dialog.getByTestId('ledger-detail-hash').textContent()).toBe(e.hash);
  expect(await dialog.textContent()).toContain(e.request_id);
  const energy = await dialog.getByTestId('ledger-detail-energy').textContent();
  expect(energy).toContain(e.energy_label);
  expect(energy).toMatch(new RegExp(`${e.energy_label}: `)); // and how it was obtained

  await dialog.getByTestId('ledger-detail-verify').focus();
  await page.keyboard.press('Enter');
  const check = dialog.getByTestId('ledger-detail-check');
  await check.getByTestId('verify-result').waitFor({ timeout: 10_000 });
  expect(await check.textContent()).toMatch(new RegExp(`^Entry #${first.seq} OK: its fields match its hash`));

  expect(await serious(page)).toEqual([]); // the page with its dialog open

  await page.keyboard.press('Escape');
  await dialog.waitFor({ state: 'detached', timeout: 10_000 });
  await page.waitForFunction((seq) => document.activeElement?.getAttribute('aria-label') === `Entry ${seq}: details`, first.seq);
  expect(await focused(page)).toBe('ledger-open');
  await page.close();
});

it('Verify says the ledger is OK', async () => {
  const page = await openLedger();
  await page.getByTestId('verify').press('Enter');
  const result = page.getByTestId('verify-live').getByTestId('verify-result');
  await result.waitFor({ timeout: 10_000 });
  const { total } = await api<{ total: number }>('/api/ledger');
  expect(await result.textContent()).toBe(`Ledger OK: ${total} ${total === 1 ? 'entry' : 'entries'}`);
  await page.close();
});

it('exports the filtered list as CSV: a file whose rows are the rows of the table', async () => {
  const page = await openLedger();
  await page.getByLabel('Kind').selectOption('local');
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="ledger-entry"]').length === n, completions);
  const shown = await tableRows(page);
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 20_000 }),
    page.getByTestId('ledger-export-csv').click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^aria-ledger-\d{4}-\d{2}-\d{2}\.csv$/);
  const path = await download.path();
  const rows = parseCSV(readFileSync(path!, 'utf8'));
  const head = rows[0];
  expect(head.slice(0, 4)).toEqual(['seq', 'request_id', 'kind', 'model_sha256']);
  const body = rows.slice(1).map((r) => ({ seq: Number(r[head.indexOf('seq')]), kind: r[head.indexOf('kind')] }));
  expect(body).toEqual(shown);
  expect(await page.getByTestId('ledger-export-result').textContent()).toBe(`Exported ${completions} entries as CSV: the file is in your downloads.`);

  // The same filter, as JSON lines, from the node itself: one entry a line, in the same order.
  const href = await page.getByTestId('ledger-export-jsonl').getAttribute('href');
  expect(href).toBe(`${url}/api/ledger/export?format=jsonl&kind=local`);
  const jsonl = await (await fetch(href!)).text();
  expect(jsonl.trim().split('\n').map((l) => (JSON.parse(l) as Entry).seq)).toEqual(shown.map((r) => r.seq));
  await page.close();
});
