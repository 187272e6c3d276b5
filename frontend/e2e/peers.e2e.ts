// End to end (issue 15): the Peers part of the Network page, live, on three real `aria serve`
// nodes on loopback (ARIA_BIN, else bin/aria) sharing a synthetic 6-layer model, in Debian's
// Chromium through playwright-core. The page must list the other two nodes, draw the route of a
// pipelined generation while it runs with the same times per hop as GET /api/network, and
// redraw the route and the peers when a node is killed.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { repo } from './node';

const bin = process.env.ARIA_BIN ?? join(repo, 'bin/aria');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

interface Proc {
  name: string;
  url: string;
  addr: string; // first p2p multiaddr, for --bootstrap
  id: string;
  child: ChildProcess;
  log: () => string;
}

interface Hop { peer: string; from: number; to: number; ms: number; steps: number }
interface Network {
  peer_id: string;
  peers: { id: string; caps: { contributing: boolean; models: unknown[] | null; ms_per_layer: number } }[];
  last_hops: Hop[];
  last_pipeline: { request_id: string; state: string; failovers: number; hops: Hop[] } | null;
}

/** Tokens of the long generations (the nodes' context is 4096). */
const LONG = 3000;

let tmp = '';
let model = '';
const procs: Proc[] = [];
let browser: Browser;
let coord: Proc;
let b: Proc;
let c: Proc;

/** serve starts `aria serve` on loopback only (no LAN discovery), with fast capability refreshes. */
async function serve(name: string, args: string[]): Promise<Proc> {
  const child = spawn(bin, ['serve', '--model', model, '--data-dir', join(tmp, name), '--addr', '127.0.0.1:0',
    '--p2p-listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns', '--dht-server', '--caps-interval', '300ms', '--threads', '1', ...args],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d: Buffer) => { err += d.toString(); });
  const p = await new Promise<Proc>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${name} did not start: ${out}${err}`)), 30_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const url = /ARIA node listening on (\S+)/.exec(out)?.[1];
      const addr = /p2p address (\S+)/.exec(out)?.[1];
      if (url && addr) {
        clearTimeout(timer);
        ok({ name, url, addr, id: addr.slice(addr.lastIndexOf('/') + 1), child, log: () => out + err });
      }
    });
    child.on('exit', (code) => fail(new Error(`${name} exited with ${code}: ${out}${err}`)));
  });
  procs.push(p);
  return p;
}

async function api<T>(p: Proc, path: string): Promise<T> {
  const r = await fetch(p.url + path);
  if (!r.ok) throw new Error(`GET ${path}: ${r.status} ${await r.text()}`);
  return (await r.json()) as T;
}

/**
 * until polls f until it holds (returns anything but false without throwing); then its last
 * failure is thrown, with what state() says of the page or the nodes at that moment.
 */
async function until<T>(f: () => T | Promise<T>, state: () => Promise<string> = async () => '', ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    try {
      const v = await f();
      if (v !== false) return v;
      if (Date.now() > end) throw new Error('still false');
    } catch (e) {
      if (Date.now() > end) throw new Error(`${e instanceof Error ? e.message : String(e)}; ${await state()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * generate streams a long completion from the coordinator; it resolves when the stream ends.
 * Greedy: on this model and prompt it draws no end token, so it runs the whole n tokens (a few
 * seconds over the three nodes: time to watch the route, and to kill a node on it).
 */
async function generate(n: number): Promise<string> {
  const r = await fetch(coord.url + '/v1/completions', {
    method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ prompt: 'The route of a token', max_tokens: n, temperature: 0, stream: true }),
  });
  if (!r.ok) throw new Error(`completion: ${r.status} ${await r.text()}`);
  return r.text();
}

/** shownHops are the route's hops as the page lists them. */
async function shownHops(page: Page): Promise<Hop[]> {
  return page.getByTestId('route-hop').evaluateAll((lis) => lis.map((li) => ({
    peer: li.getAttribute('data-peer') ?? '', from: Number(li.getAttribute('data-from')), to: Number(li.getAttribute('data-to')),
    ms: Number(li.getAttribute('data-ms')), steps: 0,
  })));
}

/** routeNow describes the route the page shows and the coordinator's, for failures. */
async function routeNow(page: Page): Promise<string> {
  const net = await api<Network>(coord, '/api/network').catch((e: unknown) => String(e));
  return `page: ${await page.getByTestId('route-state').textContent().catch(() => '?')} ${JSON.stringify(await shownHops(page))}; ` +
    `peers shown ${JSON.stringify(await shownPeers(page))}; node: ${JSON.stringify(net)}`;
}

const shownPeers = (page: Page) => page.getByTestId('peer').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-peer')).sort());

async function openNetwork(): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  page.on('pageerror', (e) => console.error('page error:', e));
  await page.goto(coord.url);
  await page.getByTestId('nav-network').press('Enter');
  await page.getByTestId('peers-page').waitFor({ timeout: 10_000 });
  return page;
}

beforeAll(async () => {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run make build first`);
  if (!existsSync(browserPath)) throw new Error(`${browserPath} is missing: apt-get install chromium (make test does)`);
  tmp = mkdtempSync(join(tmpdir(), 'aria-e2e-peers-'));
  model = join(tmp, 'model.gguf');
  const synth = spawnSync(bin, ['synth', '--shape', 'tiny', '--type', 'tq2_0', '--n-layer', '6', '--n-ctx', '8192', '--seed', '11', '--out', model], { encoding: 'utf8' });
  if (synth.status !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  coord = await serve('coord', ['--route', 'pipeline']);
  b = await serve('b', ['--contribute', 'on', '--bootstrap', coord.addr]);
  c = await serve('c', ['--contribute', 'on', '--bootstrap', coord.addr]);
  // The coordinator knows both as contributing holders of the model with a measured speed.
  await until(async () => {
    const net = await api<Network>(coord, '/api/network');
    return net.peers.filter((p) => p.caps.contributing && (p.caps.models ?? []).length === 1 && p.caps.ms_per_layer > 0).length === 2;
  });
  browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox'] });
});

afterAll(async () => {
  await browser?.close();
  for (const p of procs) p.child.kill('SIGKILL');
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

it('lists both other nodes in the peers table, with a copy button for each ID, and draws them', async () => {
  const page = await openNetwork();
  await until(async () => expect(await shownPeers(page)).toEqual([b.id, c.id].sort()));
  for (const p of [b, c]) {
    const row = page.locator(`[data-testid="peer"][data-peer="${p.id}"]`);
    expect(await row.locator('td').nth(4).textContent()).toBe('direct');
    expect(await row.getByRole('button').getAttribute('aria-label')).toBe(`Copy peer ID ${p.id.slice(0, 4)}…${p.id.slice(-6)}`);
    expect(await page.locator(`[data-testid="graph-peer"][data-peer="${p.id}"]`).count()).toBe(1);
  }
  await page.close();
});

it('draws the route of a pipelined generation while it runs: three hops whose ms agree with /api/network', async () => {
  const page = await openNetwork();
  const gen = generate(LONG);
  // Running, three hops, each measured over some tokens.
  await until(async () => {
    const hops = await shownHops(page);
    const state = await page.getByTestId('route-state').textContent();
    return state!.startsWith('Running') && hops.length === 3 && hops.every((h) => h.ms > 0) &&
      (await api<Network>(coord, '/api/network')).last_hops.every((h) => h.steps > 100);
  }, () => routeNow(page));
  const before = await shownHops(page);
  const net = await api<Network>(coord, '/api/network');
  const after = await shownHops(page);
  expect(net.last_pipeline!.state).toBe('running');
  expect(before.map((h) => h.peer)[0]).toBe('local');
  expect(before.map((h) => h.peer).slice(1).sort()).toEqual([b.id, c.id].sort());
  expect(before.map((h) => [h.from, h.to])).toEqual(net.last_hops.map((h) => [h.from, h.to]));
  expect(before.at(-1)!.to).toBe(6);
  // The page shows the event stream's last route; the API gives the same measurement, read a
  // moment later: within 10% of what the page showed just before or just after.
  const agree = (shown: Hop[]) => shown.every((h, i) => Math.abs(h.ms - net.last_hops[i].ms) <= 0.1 * net.last_hops[i].ms);
  expect(agree(before) || agree(after), `page ${JSON.stringify(before)} / ${JSON.stringify(after)}, api ${JSON.stringify(net.last_hops)}`).toBe(true);
  // Drawn over the graph: this node → one peer → the other → back.
  expect(await page.getByTestId('graph-route-edge').count()).toBe(3);
  expect(await page.getByTestId('graph-hop').count()).toBe(3);
  // No serious or critical accessibility violation in the peers part, graph and route drawn.
  await page.addScriptTag({ path: join(repo, 'frontend/node_modules/axe-core/axe.min.js') });
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(el: Element): Promise<{ violations: { id: string; impact: string; nodes: unknown[] }[] }> } }).axe;
    const r = await axe.run(document.querySelector('[data-testid="peers-page"]')!);
    return r.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.nodes.length})`);
  });
  expect(violations).toEqual([]);
  await gen;
  await until(async () => expect(await page.getByTestId('route-state').textContent()).toMatch(/^Last request, ended/));
  const end = await api<Network>(coord, '/api/network');
  expect((await shownHops(page)).map((h) => h.ms)).toEqual(end.last_hops.map((h) => h.ms)); // the same last event
  await page.close();
});

it('redraws the route and the peers when a node is killed during a generation', async () => {
  const page = await openNetwork();
  const gen = generate(LONG).catch((e: unknown) => String(e));
  await until(async () => {
    const hops = await shownHops(page);
    return (await page.getByTestId('route-state').textContent())!.startsWith('Running') && hops.some((h) => h.peer === b.id);
  }, () => routeNow(page));
  b.child.kill('SIGKILL');
  // The route goes around b (this node or c takes its layers), with the failover said.
  await until(async () => {
    const hops = await shownHops(page);
    return hops.length > 0 && !hops.some((h) => h.peer === b.id) && /failover/.test((await page.getByTestId('route-state').textContent())!);
  }, () => routeNow(page));
  const hops = await shownHops(page);
  expect(hops.map((h) => h.from)[0]).toBe(0);
  expect(hops.at(-1)!.to).toBe(6);
  expect(await page.getByTestId('route-announce').textContent()).toContain('Route changed after a failover');
  expect(await page.locator(`[data-testid="graph-hop"][data-peer="${b.id}"]`).count()).toBe(0);
  // And b leaves the table and the graph.
  await until(async () => expect(await shownPeers(page)).toEqual([c.id]), () => routeNow(page));
  expect(await page.locator(`[data-testid="graph-peer"][data-peer="${b.id}"]`).count()).toBe(0);
  const text = await gen;
  expect(text, coord.log()).toContain('[DONE]');
  await page.close();
});
