import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CatalogueEntry, ModelsResponse, Policy } from '../api/types';
import { FakeEvents, apiError, fakeNode } from '../test-fakes';
import { Welcome } from './Welcome';

const official: CatalogueEntry = {
  id: 'bitnet-2b4t', name: 'BitNet b1.58 2B4T', description: "Microsoft's 2B model", repo: 'microsoft/bitnet-b1.58-2B-4T-gguf',
  file: 'ggml-model-i2_s.gguf', size: 1_187_801_280, sha256: 'ab', downloaded: false,
};
const demo: CatalogueEntry = { id: 'demo-random', name: 'Demo', description: 'random', file: 'demo.gguf', size: 1, sha256: '', synthetic: true, downloaded: false };
const policy: Policy = { contribute: false, max_cpu_percent: 50, max_threads: 0, hours: '', pause_on_battery: true, pause_on_metered: true, peer_requests_per_minute: 30, max_concurrent: 1 };

/** node: the node's answers; loaded is what /api/models/load and /demo loaded. */
function node() {
  let saved = policy;
  const state = { loaded: null as string | null };
  const fake = fakeNode({
    'GET /api/policy': () => ({ body: { policy: saved, status: { contributing: false, reason: 'off', active: 0 } } }),
    'PUT /api/policy': (b) => {
      saved = b as Policy;
      return { body: { policy: saved, status: { contributing: saved.contribute, active: 0 } } };
    },
    'POST /api/models/demo': () => {
      state.loaded = 'aria-demo.gguf';
      return { body: { name: 'aria-demo.gguf', file: 'aria-demo.gguf', size: 1 } };
    },
    'POST /api/models/import': (b) => {
      const p = (b as { path: string }).path;
      return p.endsWith('.gguf') ? { body: { name: 'mine.gguf', file: 'mine.gguf', size: 2 } } : apiError(400, `${p} is not a GGUF file`);
    },
    'POST /api/models/load': (b) => {
      state.loaded = (b as { name: string }).name;
      return { body: { id: state.loaded } };
    },
    'POST /api/models/download': (b) => ({ status: 202, body: b }),
  });
  return { ...fake, state, saved: () => saved };
}

/** Host re-reads "the node" after each change, as App does. */
function Host({ n, onDone }: { n: ReturnType<typeof node>; onDone(how: string): void }) {
  const [loaded, setLoaded] = useState<string | null>(null);
  const models: ModelsResponse = { catalogue: [official, demo], local: [], downloads: [] };
  return <Welcome client={n.client} models={models} loaded={loaded} onChanged={() => setLoaded(n.state.loaded)} onDone={onDone} />;
}

const next = () => act(async () => fireEvent.click(screen.getByTestId('wizard-next')));
const heading = () => screen.getByRole('heading', { level: 2 });

beforeEach(() => FakeEvents.reset());

describe('Welcome (first run)', () => {
  it('goes welcome → model (demo) → contribution (off, switched on) → privacy → chat, each heading taking the focus', async () => {
    const n = node();
    const done: string[] = [];
    render(<Host n={n} onDone={(h) => done.push(h)} />);
    expect(heading().textContent).toBe('Welcome to ARIA');
    expect(document.activeElement).toBe(heading());
    expect(screen.getByRole('list', { name: 'Setup steps' }).querySelector('[aria-current="step"]')!.textContent).toBe('1. Welcome');

    await next();
    expect(heading().textContent).toBe('Choose a model');
    expect(document.activeElement).toBe(heading());
    expect(screen.getByText(/Official: BitNet b1.58 2B4T/)).toBeTruthy();
    expect(screen.queryByText(/Official: Demo/)).toBeNull(); // the demo is offered as the demo, labelled
    expect(screen.getByText(/its text is\s+gibberish/)).toBeTruthy();
    await act(async () => fireEvent.click(screen.getByTestId('demo-model')));
    await waitFor(() => expect(screen.getByTestId('model-loaded').textContent).toContain('Loaded: aria-demo.gguf'));
    expect(n.calls.map((c) => `${c.method} ${c.path}`)).toContain('POST /api/models/demo');

    await next();
    expect(heading().textContent).toBe('Lend this computer to the network?');
    const sw = screen.getByRole('switch', { name: 'Contribute to the network' });
    await waitFor(() => expect(screen.getByTestId('wizard-contribute-state').textContent).toContain('Off'));
    expect(sw.getAttribute('aria-checked')).toBe('false');
    await act(async () => fireEvent.click(sw));
    await waitFor(() => expect(sw.getAttribute('aria-checked')).toBe('true'));
    expect(n.saved()).toEqual({ ...policy, contribute: true }); // the whole policy, only contribute changed

    await next();
    expect(heading().textContent).toBe('What stays on this computer');
    expect(screen.getByTestId('privacy-contribution').textContent).toContain('You contribute');
    expect(done).toEqual([]);
    fireEvent.click(screen.getByTestId('wizard-finish'));
    expect(done).toEqual(['finished']);
  });

  it('leaves contribution off when the user just goes on, and says so in the privacy summary', async () => {
    const n = node();
    render(<Host n={n} onDone={() => undefined} />);
    await next();
    await next();
    await waitFor(() => expect(screen.getByTestId('wizard-contribute-state').textContent).toContain('Off'));
    await next();
    expect(screen.getByTestId('privacy-contribution').textContent).toContain('You do not contribute');
    expect(n.calls.filter((c) => c.method === 'PUT')).toEqual([]);
  });

  it('imports and loads a local file, and shows the node\'s refusal of a bad one', async () => {
    const n = node();
    render(<Host n={n} onDone={() => undefined} />);
    await next();
    fireEvent.change(screen.getByLabelText('Path of a GGUF file'), { target: { value: '/tmp/notes.txt' } });
    await act(async () => fireEvent.click(screen.getByTestId('model-import')));
    expect((await screen.findByTestId('model-error-file')).textContent).toBe('/tmp/notes.txt is not a GGUF file');
    fireEvent.change(screen.getByLabelText('Path of a GGUF file'), { target: { value: '/tmp/mine.gguf' } });
    await act(async () => fireEvent.click(screen.getByTestId('model-import')));
    await waitFor(() => expect(screen.getByTestId('model-loaded').textContent).toContain('Loaded: mine.gguf'));
    expect(n.calls.filter((c) => c.method === 'POST').map((c) => [c.path, c.body])).toEqual([
      ['/api/models/import', { path: '/tmp/notes.txt' }],
      ['/api/models/import', { path: '/tmp/mine.gguf' }],
      ['/api/models/load', { name: 'mine.gguf' }],
    ]);
  });

  it('starts the official download', async () => {
    const n = node();
    render(<Host n={n} onDone={() => undefined} />);
    await next();
    await act(async () => fireEvent.click(screen.getByTestId('download-bitnet-2b4t')));
    expect(n.calls.find((c) => c.path === '/api/models/download')?.body).toEqual({ id: 'bitnet-2b4t' });
  });

  it('can be skipped from any step but the last, and Back goes back', async () => {
    const n = node();
    const done: string[] = [];
    render(<Host n={n} onDone={(h) => done.push(h)} />);
    await next();
    await next();
    fireEvent.click(screen.getByTestId('wizard-back'));
    expect(heading().textContent).toBe('Choose a model');
    expect(document.activeElement).toBe(heading());
    fireEvent.click(screen.getByTestId('wizard-skip'));
    expect(done).toEqual(['skipped']);
  });
});
