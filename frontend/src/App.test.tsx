// The shell against a fake node (its HTTP answers, its event stream, a chat stream driven by
// hand) through the real Client: navigation, first run, shortcuts, the Activity page's history.
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import { App, pages } from './App';
import { Client } from './api/client';
import type { MetricsEvent, Status } from './api/types';
import { localFirstRun } from './firstRun';
import { FakeEvents } from './test-fakes';

const model = { context: 2048, id: 'tiny.gguf', kernels: 'avx2', loaded: true, path: '/m/tiny.gguf', synthetic: true, threads: 2 };
const policy = { contribute: false, max_cpu_percent: 50, max_threads: 0, hours: '', pause_on_battery: true, peer_requests_per_minute: 30, max_concurrent: 1 };
const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** fakeApp is a node with or without a model; chats are the chat streams it was asked for. */
function fakeApp(withModel: boolean) {
  const state = { model: withModel ? model : null };
  const chats: { signal?: AbortSignal; send(text: string): void }[] = [];
  const enc = new TextEncoder();
  const f = async (input: RequestInfo | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    const route = `${init.method ?? 'GET'} ${url.pathname}`;
    switch (route) {
      case 'GET /api/events':
        return FakeEvents.connect(url, init);
      case 'POST /v1/chat/completions': {
        const body = new ReadableStream<Uint8Array>({
          start(c) {
            chats.push({ signal: init.signal ?? undefined, send: (t) => c.enqueue(enc.encode(`data: ${JSON.stringify({ choices: [{ delta: { content: t } }] })}\n\n`)) });
            init.signal?.addEventListener('abort', () => c.error(new DOMException('aborted', 'AbortError')));
          },
        });
        return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
      }
      case 'GET /api/status':
        return json({ auth_required: false, model: state.model, queued: 0, version: 'test' } satisfies Status);
      case 'GET /api/models':
        return json({ catalogue: [], local: [], downloads: [] });
      case 'GET /api/policy':
        return json({ policy, status: { contributing: false, reason: 'off', active: 0 } });
      case 'GET /api/settings':
        return json({
          settings: { theme: 'system', start_at_login: false, update_check: false, api: { address: '127.0.0.1', port: 8741 }, models_dir: '', first_run_done: true },
          data_dir: '/tmp/aria', models_dir: '/tmp/aria/models', pending: [],
          server: { url: 'http://127.0.0.1:8741', address: '127.0.0.1', port: 8741, loopback: true, auth_required: false, key: '', key_source: 'none' },
          autostart: { entry: '/tmp/autostart/aria.desktop', exists: false },
          update: { enabled: false, feed: '', current: 'test' },
        });
      case 'POST /api/models/demo':
        state.model = { ...model, id: 'aria-demo.gguf' };
        return json({ name: 'aria-demo.gguf', file: 'aria-demo.gguf', size: 1 });
      default:
        return json({ error: { message: `no ${route}`, type: 'invalid_request_error' } }, 404);
    }
  };
  return { client: new Client({ url: 'http://node', key: '' }, f as typeof fetch), chats, state };
}

const metrics = (over: Partial<MetricsEvent> = {}): MetricsEvent => ({
  cpu_percent: 37, rss_bytes: 200e6, mem_used: 4e9, mem_total: 8e9, active: false, tokens_per_s: 0, mj_per_token: 0,
  energy_kind: 'estimated', energy_detail: 'estimated: CPU time × 10 W per busy core', ...over,
});
const key = (k: string, mods: Record<string, boolean> = {}) => act(async () => {
  fireEvent.keyDown(document.activeElement ?? document.body, { key: k, ...mods });
});
const navButton = (id: string) => screen.getByTestId(`nav-${id}`);

beforeEach(() => {
  FakeEvents.reset();
  localStorage.clear();
});

describe('App navigation', () => {
  it('is a "Pages" nav landmark with every page in order, the current one marked aria-current', async () => {
    const { client } = fakeApp(true);
    render(<App client={client} />);
    const nav = await screen.findByRole('navigation', { name: 'Pages' });
    expect(within(nav).getAllByRole('button').map((b) => b.textContent)).toEqual(['Chat', 'Memory', 'Models', 'Peers', 'Ledger', 'Activity', 'Settings']);
    expect(pages.map((p) => p.id)).toEqual(['chat', 'memory', 'models', 'network', 'ledger', 'activity', 'settings']);
    await screen.findByTestId('chat-input');
    expect(navButton('chat').getAttribute('aria-current')).toBe('page');
    fireEvent.click(navButton('activity'));
    expect(navButton('activity').getAttribute('aria-current')).toBe('page');
    expect(navButton('chat').getAttribute('aria-current')).toBeNull();
    expect(screen.getByRole('heading', { name: 'Activity' })).toBeTruthy();
  });

  it("keeps the node's metrics from the start, so Activity opens with a history", async () => {
    const { client } = fakeApp(true);
    render(<App client={client} />);
    await screen.findByTestId('chat-input');
    await act(async () => {
      await FakeEvents.emit('metrics', metrics({ cpu_percent: 150 }));
      await FakeEvents.emit('metrics', metrics({ cpu_percent: 20 }));
    });
    fireEvent.click(navButton('activity'));
    expect(screen.getByTestId('chart-cpu-summary').textContent).toContain('max 150 %');
    expect(screen.getByTestId('chart-cpu-now').textContent).toBe('20 %');
    await act(() => FakeEvents.emit('metrics', metrics({ cpu_percent: 60 })));
    expect(screen.getByTestId('chart-cpu-now').textContent).toBe('60 %');
  });
});

describe('App without a status', () => {
  it('says what went wrong and still opens the pages', async () => {
    const { client } = fakeApp(true);
    client.status = () => Promise.reject(new Error('the node is not answering'));
    render(<App client={client} />);
    expect((await screen.findByRole('alert')).textContent).toBe('the node is not answering');
    fireEvent.click(navButton('activity'));
    expect(screen.getByTestId('activity-page')).toBeTruthy();
  });
});

describe('App first run', () => {
  it('opens the setup on a node with no model, and skipping it records it and leaves a way to a model', async () => {
    const { client } = fakeApp(false);
    const store = localFirstRun(localStorage);
    render(<App client={client} firstRun={store} />);
    expect((await screen.findByRole('heading', { level: 2 })).textContent).toBe('Welcome to ARIA');
    expect(screen.queryByRole('navigation')).toBeNull(); // the setup is all there is
    await act(async () => fireEvent.click(screen.getByTestId('wizard-skip')));
    expect(await store.isDone()).toBe(true);
    expect(screen.getByRole('navigation', { name: 'Pages' })).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'Choose a model to chat with' })).toBeTruthy();
    expect(screen.getByTestId('shell-announce').textContent).toBe('Setup skipped.');
  });

  it('finishing with the demo model ends in the chat with the focus in the message box', async () => {
    const { client } = fakeApp(false);
    render(<App client={client} />);
    await screen.findByTestId('first-run');
    await act(async () => fireEvent.click(screen.getByTestId('wizard-next')));
    await act(async () => fireEvent.click(screen.getByTestId('demo-model')));
    await waitFor(() => expect(screen.getByTestId('model-loaded').textContent).toContain('aria-demo.gguf'));
    await act(async () => fireEvent.click(screen.getByTestId('wizard-next')));
    await act(async () => fireEvent.click(screen.getByTestId('wizard-next')));
    await act(async () => fireEvent.click(screen.getByTestId('wizard-finish')));
    expect(document.activeElement).toBe(screen.getByTestId('chat-input'));
    expect(localStorage.getItem('aria.firstRunDone')).toBe('1');
  });

  it('does not open by itself once done, nor on a node that already has a model; Settings runs it again', async () => {
    const done = localFirstRun(localStorage);
    await done.setDone(true);
    const a = render(<App client={fakeApp(false).client} firstRun={done} />);
    await screen.findByRole('heading', { name: 'Choose a model to chat with' });
    expect(screen.queryByTestId('first-run')).toBeNull();
    a.unmount();

    localStorage.clear();
    render(<App client={fakeApp(true).client} firstRun={localFirstRun(localStorage)} />);
    await screen.findByTestId('chat-input');
    expect(screen.queryByTestId('first-run')).toBeNull();
    fireEvent.click(navButton('settings'));
    fireEvent.click(await screen.findByTestId('settings-first-run'));
    expect(screen.getByTestId('first-run')).toBeTruthy();
  });
});

describe('App shortcuts', () => {
  it('F1 opens the help sheet over an inert app; Escape closes it and the focus returns', async () => {
    const { client } = fakeApp(true);
    render(<App client={client} />);
    const input = await screen.findByTestId('chat-input');
    input.focus();
    await key('F1');
    expect(screen.getByRole('dialog', { name: 'Keyboard shortcuts' })).toBeTruthy();
    expect(document.querySelector('.app')!.hasAttribute('inert')).toBe(true);
    await key('Escape');
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.querySelector('.app')!.hasAttribute('inert')).toBe(false);
    expect(document.activeElement).toBe(input);
    // '?' in the message box is text; on a button it opens the sheet.
    await key('?');
    expect(screen.queryByRole('dialog')).toBeNull();
    navButton('chat').focus();
    await key('?');
    expect(screen.getByRole('dialog')).toBeTruthy();
  });

  it('Ctrl+, opens Settings with the focus on the page', async () => {
    const { client } = fakeApp(true);
    render(<App client={client} />);
    await screen.findByTestId('chat-input');
    await key(',', { ctrlKey: true });
    expect(navButton('settings').getAttribute('aria-current')).toBe('page');
    expect(document.activeElement).toBe(screen.getByRole('main'));
  });

  it("Ctrl+K focuses the page's search box, else the chat's conversation search", async () => {
    const { client } = fakeApp(true);
    render(<App client={client} />);
    await screen.findByTestId('chat-input');
    fireEvent.click(navButton('memory'));
    const q = await screen.findByTestId('memory-search-q');
    await key('k', { ctrlKey: true });
    expect(document.activeElement).toBe(q);
    fireEvent.click(navButton('activity'));
    await key('k', { ctrlKey: true });
    expect(navButton('chat').getAttribute('aria-current')).toBe('page');
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('conversation-search')));
  });

  it('Escape stops the answer being written; Ctrl+Shift+O from another page starts a new chat', async () => {
    const { client, chats } = fakeApp(true);
    render(<App client={client} />);
    const input = await screen.findByTestId('chat-input');
    fireEvent.change(input, { target: { value: 'Hello' } });
    await act(async () => fireEvent.keyDown(input, { key: 'Enter' }));
    await waitFor(() => expect(chats).toHaveLength(1));
    await act(async () => chats[0].send('Hi'));
    await waitFor(() => expect(screen.getAllByTestId('message')[1].textContent).toContain('Hi'));
    await key('Escape');
    expect(chats[0].signal?.aborted).toBe(true);
    await screen.findByTestId('send');
    expect(screen.getAllByTestId('message')).toHaveLength(2); // stopped, not cleared

    // With nothing being written, Escape does nothing (and leaves the key to others).
    expect(fireEvent.keyDown(document.body, { key: 'Escape' })).toBe(true);

    // On the chat page it clears the conversation; from another page it brings the chat back, ready to type.
    navButton('chat').focus();
    await key('O', { ctrlKey: true, shiftKey: true });
    expect(screen.queryAllByTestId('message')).toHaveLength(0);
    expect(document.activeElement).toBe(screen.getByTestId('chat-input'));
    fireEvent.click(navButton('activity'));
    await key('O', { ctrlKey: true, shiftKey: true });
    expect(navButton('chat').getAttribute('aria-current')).toBe('page');
    expect(document.activeElement).toBe(screen.getByTestId('chat-input'));
  });
});
