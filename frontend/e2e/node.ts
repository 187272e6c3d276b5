// A real node for the end-to-end tests: `aria serve` (ARIA_BIN, else bin/aria) on a synthetic
// model written by `aria synth`, on loopback only, and Debian's Chromium (never a downloaded one).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const bin = process.env.ARIA_BIN ?? join(repo, 'bin/aria');
const browserPath = process.env.CHROMIUM ?? '/usr/bin/chromium';

export interface TestNode {
  url: string;
  browser: Browser;
  stop(): Promise<void>;
}

/** startNode writes a model with synthArgs (after `synth`), serves it, and opens the browser. */
export async function startNode(prefix: string, synthArgs: string[]): Promise<TestNode> {
  if (!existsSync(bin)) throw new Error(`${bin} is missing: run make build first`);
  if (!existsSync(browserPath)) throw new Error(`${browserPath} is missing: apt-get install chromium (make test does)`);
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  const model = join(tmp, 'model.gguf');
  const synth = spawnSync(bin, ['synth', ...synthArgs, '--out', model], { encoding: 'utf8' });
  if (synth.status !== 0) throw new Error(`synth failed: ${synth.stderr}`);
  // On the network, but only on loopback and without LAN discovery: other nodes on this machine stay out.
  const node: ChildProcess = spawn(bin, ['serve', '--model', model, '--addr', '127.0.0.1:0', '--data-dir', join(tmp, 'data'),
    '--p2p-listen', '/ip4/127.0.0.1/tcp/0', '--no-mdns'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((ok, fail) => {
    let out = '';
    const timer = setTimeout(() => fail(new Error(`no listening line from aria serve: ${out}`)), 30_000);
    node.stdout!.on('data', (b: Buffer) => {
      out += b.toString();
      const m = /ARIA node listening on (\S+)/.exec(out);
      if (m) { clearTimeout(timer); ok(m[1]); }
    });
    node.on('exit', (code) => fail(new Error(`aria serve exited with ${code}: ${out}`)));
  });
  const browser = await chromium.launch({ executablePath: browserPath, headless: true, args: ['--no-sandbox'] });
  return {
    url,
    browser,
    async stop() {
      await browser.close();
      node.kill('SIGTERM');
      rmSync(tmp, { recursive: true, force: true });
    },
  };
}
