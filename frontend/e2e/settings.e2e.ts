// End to end (issue 15): the Settings page against a real `aria serve`, in Debian's Chromium
// through playwright-core. The node listens off loopback (every request needs the key, so the
// page's key handling is exercised), with HOME in a temporary directory (start at login writes
// there) and its update check pointed at a local feed that counts its requests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repo } from './node';

const bin = process.env.ARIA_BIN ?? join(repo, 'bin/aria');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

let tmp = '';
let home = '';
let proc: ChildProcess | null = null;
let browser: Browser;
let feed: Server;
let feedRequests = 0;
let url = '';
let key = '';

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run make build first`);
  tmp = mkdtempSync(join(tmpdir(), 'aria-e2e-settings-'));
  home = join(tmp, 'home');
  // A release feed signed with no key the binary trusts: it must be fetched only when allowed,
  // and never offered.
  feed = createServer((_, res) => {
    feedRequests++;
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ release: { version: '99.0.0', notes: 'Not signed by the project.', url: 'https://example.org', published: '2026-01-01T00:00:00Z' }, signature: 'A'.repeat(86) + '==' }));
  });
  await new Promise<void>((ok) => feed.listen(0, '127.0.0.1', ok));
  const feedURL = `http://127.0.0.1:${(feed.address() as { port: number }).port}/release-feed.json`;
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, ARIA_UPDATE_FEED: feedURL };
  delete env.XDG_CONFIG_HOME;
  delete env.ARIA_DATA_DIR;
  proc = spawn(bin, ['serve', '--addr', '0.0.0.0:0', '--data-dir', join(tmp, 'data'), '--no-p2p'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`aria serve did not print its address and key: ${out}`)), 30_000);
    proc!.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const u = /ARIA node listening on http:\/\/\S*:(\d+)/.exec(out);
      const k = /API key \(send as Authorization: Bearer KEY\): (\S+)/.exec(out);
      if (u && k) {
        url = `http://127.0.0.1:${u[1]}`;
        key = k[1];
        clearTimeout(timer);
        ok();
      }
    });
    proc!.on('exit', (code) => fail(new Error(`aria serve exited with ${code}: ${out}`)));
  });
  browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  proc?.kill('SIGTERM');
  await new Promise((r) => feed?.close(r));
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

async function api<T>(path: string, k = key): Promise<T> {
  const r = await fetch(url + path, { headers: { Authorization: `Bearer ${k}` } });
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

interface PolicyAnswer { policy: { max_cpu_percent: number; pause_on_metered: boolean } }
interface SettingsAnswer {
  settings: { theme: string; start_at_login: boolean; update_check: boolean; api: { address: string; port: number } };
  update: { checked?: string; error?: string; release?: unknown };
}

/** until polls f until it holds; then its last failure is thrown. */
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

let page: Page;

async function openSettings(address: string): Promise<void> {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(address);
  // A node without a model opens the first-run setup once (it is saved as skipped).
  const skip = page.getByTestId('wizard-skip');
  await Promise.race([skip.waitFor({ timeout: 10_000 }), page.getByTestId('nav-settings').waitFor({ timeout: 10_000 })]);
  if (await skip.isVisible()) await skip.press('Enter');
  await page.getByTestId('nav-settings').press('Enter');
  await page.getByTestId('settings-page').waitFor({ timeout: 10_000 });
}

/** invalidReason is the text the field points at with aria-describedby while aria-invalid. */
async function invalidReason(testid: string): Promise<string | null> {
  return page.getByTestId(testid).evaluate((el) => {
    if (el.getAttribute('aria-invalid') !== 'true') return null;
    const id = (el.getAttribute('aria-describedby') ?? '').split(' ').find((i) => i.endsWith('-error'));
    return id ? document.getElementById(id)?.textContent ?? null : null;
  });
}

it('a policy value applies at once; an invalid one is refused beside its field with the reason', async () => {
  await openSettings(`${url}/#key=${key}`);
  const cpu = page.getByTestId('policy-max_cpu_percent');
  await cpu.fill('30');
  await cpu.press('Enter');
  await until(async () => expect((await api<PolicyAnswer>('/api/policy')).policy.max_cpu_percent).toBe(30));

  await cpu.fill('200');
  await cpu.press('Enter');
  await until(async () => expect(await invalidReason('policy-max_cpu_percent')).toBe('200 is not between 1 and 100'));
  expect((await api<PolicyAnswer>('/api/policy')).policy.max_cpu_percent).toBe(30);
  await cpu.fill('40');
  await cpu.press('Tab'); // leaving the field applies it too
  await until(async () => expect((await api<PolicyAnswer>('/api/policy')).policy.max_cpu_percent).toBe(40));
  expect(await invalidReason('policy-max_cpu_percent')).toBeNull();

  await page.getByTestId('policy-pause_on_metered').press('Space');
  await until(async () => expect((await api<PolicyAnswer>('/api/policy')).policy.pause_on_metered).toBe(false));
});

it('regenerating the key stops the old one at once; the window goes on with the new one, also after a reload', async () => {
  const old = key;
  await page.getByTestId('api-key-reveal').press('Enter');
  expect(await page.getByTestId('api-key').textContent()).toBe(old);
  await page.getByTestId('api-key-regenerate').press('Enter');
  await until(async () => expect(await page.getByTestId('api-key').textContent()).not.toBe(old));
  const fresh = (await page.getByTestId('api-key').textContent())!;
  expect((await fetch(`${url}/api/status`, { headers: { Authorization: `Bearer ${old}` } })).status).toBe(401);
  expect((await fetch(`${url}/api/status`, { headers: { Authorization: `Bearer ${fresh}` } })).status).toBe(200);
  key = fresh;

  // The page keeps working: a change goes through with the new key, and survives a reload.
  await page.getByTestId('settings-theme').selectOption('dark');
  await until(async () => expect((await api<SettingsAnswer>('/api/settings')).settings.theme).toBe('dark'));
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  await page.reload();
  await page.getByTestId('nav-settings').press('Enter');
  await page.getByTestId('settings-page').waitFor({ timeout: 10_000 });
  expect(await page.getByTestId('settings-theme').inputValue()).toBe('dark');
  expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  expect(await page.getByTestId('policy-max_cpu_percent').inputValue()).toBe('40');
});

it('start at login creates a valid ~/.config/autostart/aria.desktop and removes it', async () => {
  const entry = join(home, '.config', 'autostart', 'aria.desktop');
  expect(existsSync(entry)).toBe(false);
  await page.getByTestId('settings-start_at_login').press('Space');
  await until(() => existsSync(entry));
  const text = readFileSync(entry, 'utf8');
  expect(text).toContain('[Desktop Entry]');
  expect(text).toMatch(/\nExec=\S*aria\S*\n/);
  const v = spawnSync('desktop-file-validate', [entry], { encoding: 'utf8' });
  if (v.error === undefined) expect(v.status, v.stdout + v.stderr).toBe(0);
  expect((await api<SettingsAnswer>('/api/settings')).settings.start_at_login).toBe(true);

  await page.getByTestId('settings-start_at_login').press('Space');
  await until(() => !existsSync(entry));
  expect((await api<SettingsAnswer>('/api/settings')).settings.start_at_login).toBe(false);
});

it('the update check fetches nothing while off, once when on, and offers no release the project did not sign', async () => {
  expect(feedRequests).toBe(0);
  await page.getByTestId('settings-update_check').press('Space');
  await until(() => feedRequests === 1);
  await until(async () => expect(await page.getByTestId('update-none').textContent()).toContain('signature'));
  expect(await page.getByTestId('update-notice').count()).toBe(0);
  const st = await api<SettingsAnswer>('/api/settings');
  expect(st.update.release).toBeUndefined();
  await page.getByTestId('settings-update_check').press('Space');
  await page.getByTestId('settings-update_check').press('Space');
  await new Promise((r) => setTimeout(r, 500));
  expect(feedRequests).toBe(1); // at most once a day
});

it('asks before an address that leaves this computer', async () => {
  const address = page.getByTestId('api-address');
  await address.fill('0.0.0.0');
  await page.getByTestId('api-save').press('Enter');
  const dialog = page.getByRole('alertdialog');
  await dialog.waitFor({ timeout: 5_000 });
  expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('api-confirm-no');
  await page.keyboard.press('Enter'); // Cancel
  await dialog.waitFor({ state: 'detached', timeout: 5_000 });
  expect((await api<SettingsAnswer>('/api/settings')).settings.api.address).toBe('127.0.0.1');

  await page.getByTestId('api-save').press('Enter');
  await page.getByTestId('api-confirm-yes').press('Enter');
  await until(async () => expect((await api<SettingsAnswer>('/api/settings')).settings.api.address).toBe('0.0.0.0'));
});

it('has no serious or critical accessibility violation (axe-core), with a refusal and the confirmation shown', async () => {
  await page.getByTestId('policy-max_concurrent').fill('0');
  await page.getByTestId('policy-max_concurrent').press('Enter');
  await until(async () => expect(await invalidReason('policy-max_concurrent')).toContain('below 1'));
  await page.getByTestId('api-address').fill('192.168.1.2');
  await page.getByTestId('api-save').press('Enter');
  await page.getByRole('alertdialog').waitFor({ timeout: 5_000 });
  await page.addScriptTag({ path: createRequire(import.meta.url).resolve('axe-core/axe.min.js') });
  const found = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(ctx: unknown): Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const r = await axe.run(document.querySelector('[data-testid="settings-page"]'));
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  expect(found).toEqual([]);
});
