import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MemoryApi, type MemoryHit, type MemoryItem, type MemoryKind } from '../api/memory';
import { type Answer, FakeEvents, type Handler, apiError, fakeNode } from '../test-fakes';
import { MemoryPage } from './MemoryPage';

function mem(id: string, text: string, kind: MemoryKind = 'semantic', over: Partial<MemoryItem> = {}): MemoryItem {
  const t = '2025-03-04T05:06:07Z';
  return { id, kind, text, source: 'user', created: t, updated: t, importance: 0.5, pinned: false, never_recall: false, valid_from: t, ...over };
}

/**
 * memoryNode is a node's memory store behind the real Client: GET/POST /api/memory, PATCH and
 * DELETE /api/memory/{id}, search, forget all, intentions (empty). fail makes a route answer an error.
 */
function memoryNode(items: MemoryItem[], hits: MemoryHit[] = [], fail: Record<string, Answer> = {}) {
  let next = 100;
  const routes: Record<string, Handler> = {
    'GET /api/memory': (_b, url) => {
      const kind = url.searchParams.get('kind');
      const limit = Number(url.searchParams.get('limit') ?? 100);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      return { body: { data: items.filter((m) => !kind || m.kind === kind).slice(offset, offset + limit) } };
    },
    'POST /api/memory': (b) => {
      const m = mem(`m${next++}`, '', 'semantic', b as Partial<MemoryItem>);
      items.unshift(m);
      return { status: 201, body: m };
    },
    'POST /api/memory/import': (b) => {
      items.unshift(b as MemoryItem);
      return { body: { imported: 1 } };
    },
    'DELETE /api/memory': () => {
      items.length = 0;
      return { status: 204, body: undefined };
    },
    'GET /api/memory/search': () => ({ body: { data: hits } }),
    'GET /api/intentions': () => ({ body: { data: [] } }),
    'GET /api/memory/status': () => ({ body: { count: items.length, space: 'lexical', missing: 0, reembed: null, encrypted: false } }),
  };
  const byID = (method: string, path: string): Handler | undefined => {
    const m = /^\/api\/memory\/([^/]+)$/.exec(path);
    const i = m ? items.findIndex((x) => x.id === decodeURIComponent(m[1])) : -1;
    if (!m || (method !== 'PATCH' && method !== 'DELETE')) return undefined;
    if (i < 0) return () => ({ status: 404, body: { error: { message: 'id: no such memory', type: 'invalid_request_error', param: 'id', code: null } } });
    if (method === 'DELETE') return () => { items.splice(i, 1); return { status: 204, body: undefined }; };
    return (b) => { items[i] = { ...items[i], ...(b as object) }; return { body: items[i] }; };
  };
  const proxy = new Proxy(routes, {
    get(r, key: string) {
      if (fail[key]) return () => fail[key];
      if (r[key]) return r[key];
      const [method, path] = key.split(' ');
      return byID(method, path);
    },
  });
  const { client, calls } = fakeNode(proxy);
  return { api: new MemoryApi(client), calls, items };
}

const texts = () => screen.queryAllByTestId('memory-text').map((t) => t.textContent);
const row = (text: string) => screen.getAllByTestId('memory-item').find((r) => r.textContent?.includes(text))!;

afterEach(() => vi.restoreAllMocks());

describe('MemoryPage', () => {
  it('lists memories by kind, a page at a time', async () => {
    const items = [mem('a', 'Ada is my sister'), mem('b', 'Answer in French', 'procedural'), mem('c', 'We talked about trains', 'episodic'),
      mem('d', 'I live in Lyon'), mem('e', 'tl;dr: three bullets', 'procedural', { pinned: true })];
    const { api, calls } = memoryNode(items);
    render(<MemoryPage api={api} pageSize={2} />);
    expect(await screen.findByText('Ada is my sister')).toBeTruthy();
    expect(texts()).toEqual(['Ada is my sister', 'Answer in French']);
    expect(calls.find((c) => c.path.startsWith('/api/memory?'))?.path).toBe('/api/memory?limit=3'); // one more than a page: is there a next page
    expect(screen.getByTestId('memory-page-n').textContent).toBe('Page 1');
    expect((screen.getByTestId('memory-prev') as HTMLButtonElement).disabled).toBe(true);

    fireEvent.click(screen.getByTestId('memory-next'));
    await waitFor(() => expect(texts()).toEqual(['We talked about trains', 'I live in Lyon']));
    expect(calls.at(-1)?.path).toBe('/api/memory?limit=3&offset=2');
    fireEvent.click(screen.getByTestId('memory-next'));
    await waitFor(() => expect(texts()).toEqual(['tl;dr: three bullets']));
    expect((screen.getByTestId('memory-next') as HTMLButtonElement).disabled).toBe(true);
    expect(within(row('tl;dr')).getByTestId('memory-pinned')).toBeTruthy();

    fireEvent.click(screen.getByTestId('memory-kind-procedural'));
    await waitFor(() => expect(texts()).toEqual(['Answer in French', 'tl;dr: three bullets']));
    expect(calls.at(-1)?.path).toBe('/api/memory?kind=procedural&limit=3');
    expect(screen.getByTestId('memory-kind-procedural').getAttribute('aria-pressed')).toBe('true');
    expect(screen.queryByTestId('memory-next')).toBeNull(); // one page: no pager

    fireEvent.click(screen.getByTestId('memory-kind-episodic'));
    await waitFor(() => expect(texts()).toEqual(['We talked about trains']));
  });

  it('shows the re-embedding after a model change while it runs', async () => {
    FakeEvents.reset();
    const { api } = memoryNode([mem('a', 'Ada is my sister')]);
    render(<MemoryPage api={api} />);
    await screen.findByText('Ada is my sister');
    expect(screen.queryByRole('progressbar')).toBeNull();
    const run = { done: 2, left: 6, total: 8, model: 'bitnet-b1.58-2b4t', space: 'model/x', state: 'running' };
    await act(() => FakeEvents.emit('memory_reembed', run));
    expect(screen.getByRole('progressbar', { name: 'Re-embedding memories with bitnet-b1.58-2b4t: 2/8' })).toBeTruthy();
    await act(() => FakeEvents.emit('memory_reembed', { ...run, done: 8, left: 0, state: 'done' }));
    expect(screen.queryByRole('progressbar')).toBeNull();
  });

  it('tells a new user how memories come', async () => {
    const { api } = memoryNode([]);
    render(<MemoryPage api={api} />);
    expect((await screen.findByTestId('memory-empty')).textContent).toContain('turn on memory in a chat');
  });

  it('adds a memory, and shows the node\'s error next to the field it names', async () => {
    const fail = {} as Record<string, Answer>;
    const { api, calls } = memoryNode([], [], fail);
    render(<MemoryPage api={api} />);
    await screen.findByTestId('memory-empty');

    fireEvent.click(screen.getByTestId('memory-add-submit'));
    expect(screen.getByTestId('memory-add-text-error').textContent).toContain('write what to remember');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);

    fail['POST /api/memory'] = { status: 400, body: { error: { message: 'text: longer than 16 KiB', type: 'invalid_request_error', param: 'text', code: null } } };
    fireEvent.change(screen.getByTestId('memory-add-text'), { target: { value: 'x'.repeat(20) } });
    await act(async () => fireEvent.click(screen.getByTestId('memory-add-submit')));
    const text = screen.getByTestId('memory-add-text');
    expect(screen.getByTestId('memory-add-text-error').textContent).toBe('text: longer than 16 KiB');
    expect(text.getAttribute('aria-invalid')).toBe('true');
    expect(text.getAttribute('aria-describedby')).toBe('memory-add-text-error');
    expect(screen.queryByTestId('memory-add-kind-error')).toBeNull();

    fail['POST /api/memory'] = { status: 400, body: { error: { message: 'unknown kind', type: 'invalid_request_error', param: 'kind', code: null } } };
    await act(async () => fireEvent.click(screen.getByTestId('memory-add-submit')));
    expect(screen.getByTestId('memory-add-kind-error').textContent).toBe('unknown kind');
    expect(screen.getByTestId('memory-add-kind').getAttribute('aria-invalid')).toBe('true');
    expect(screen.queryByTestId('memory-add-text-error')).toBeNull();

    delete fail['POST /api/memory'];
    fireEvent.change(screen.getByTestId('memory-add-text'), { target: { value: 'Answer in French' } });
    fireEvent.change(screen.getByTestId('memory-add-kind'), { target: { value: 'procedural' } });
    fireEvent.click(screen.getByTestId('memory-add-pinned'));
    await act(async () => fireEvent.click(screen.getByTestId('memory-add-submit')));
    expect(calls.filter((c) => c.method === 'POST').at(-1)?.body).toEqual({ text: 'Answer in French', kind: 'procedural', pinned: true });
    await waitFor(() => expect(texts()).toEqual(['Answer in French']));
    expect(screen.getByTestId('memory-status').textContent).toBe('Remembered: “Answer in French”');
    expect((screen.getByTestId('memory-add-text') as HTMLTextAreaElement).value).toBe('');
  });

  it('edits in place, pins and unpins', async () => {
    const fail = {} as Record<string, Answer>;
    const { api, calls } = memoryNode([mem('a', 'I live in Lyon'), mem('b', 'Ada is my sister')], [], fail);
    render(<MemoryPage api={api} />);
    await screen.findByText('I live in Lyon');

    fireEvent.click(within(row('Lyon')).getByTestId('memory-edit'));
    const box = screen.getByTestId('memory-edit-text') as HTMLTextAreaElement;
    expect(document.activeElement).toBe(box);
    fireEvent.change(box, { target: { value: 'I live in Paris' } });
    fireEvent.change(screen.getByTestId('memory-edit-importance'), { target: { value: '0.9' } });
    fail['PATCH /api/memory/a'] = { status: 400, body: { error: { message: 'importance must be at most 1', type: 'invalid_request_error', param: 'importance', code: null } } };
    await act(async () => fireEvent.click(screen.getByTestId('memory-edit-save')));
    expect(screen.getByTestId('memory-edit-a-importance-error').textContent).toBe('importance must be at most 1');
    expect(screen.getByTestId('memory-edit-importance').getAttribute('aria-invalid')).toBe('true');

    delete fail['PATCH /api/memory/a'];
    await act(async () => fireEvent.click(screen.getByTestId('memory-edit-save')));
    expect(calls.at(-1)).toMatchObject({ method: 'PATCH', path: '/api/memory/a', body: { text: 'I live in Paris', importance: 0.9 } });
    expect(texts()).toEqual(['I live in Paris', 'Ada is my sister']);
    expect(document.activeElement).toBe(within(row('Paris')).getByTestId('memory-edit')); // focus back on Edit

    // Escape leaves the edit unsaved.
    fireEvent.click(within(row('Ada')).getByTestId('memory-edit'));
    fireEvent.change(screen.getByTestId('memory-edit-text'), { target: { value: 'nope' } });
    fireEvent.keyDown(screen.getByTestId('memory-edit-text'), { key: 'Escape' });
    expect(texts()).toEqual(['I live in Paris', 'Ada is my sister']);

    const pin = within(row('Ada')).getByTestId('memory-pin');
    expect(pin.textContent).toBe('Pin');
    await act(async () => fireEvent.click(pin));
    expect(calls.at(-1)).toMatchObject({ method: 'PATCH', path: '/api/memory/b', body: { pinned: true } });
    expect(within(row('Ada')).getByTestId('memory-pinned')).toBeTruthy();
    expect(screen.getByTestId('memory-status').textContent).toBe('Pinned: “Ada is my sister”');
    await act(async () => fireEvent.click(within(row('Ada')).getByTestId('memory-pin')));
    expect(calls.at(-1)?.body).toEqual({ pinned: false });
    expect(within(row('Ada')).queryByTestId('memory-pinned')).toBeNull();
  });

  it('deletes with an Undo that brings the memory back as it was, announced', async () => {
    const { api, calls, items } = memoryNode([
      mem('a', 'Answer in French', 'procedural', { pinned: true, importance: 0.8, never_recall: true, conversation: 'c1' }),
      mem('b', 'Ada is my sister'),
    ]);
    render(<MemoryPage api={api} />);
    await screen.findByText('Answer in French');
    await act(async () => fireEvent.click(within(row('French')).getByTestId('memory-delete')));
    expect(calls.find((c) => c.method === 'DELETE')?.path).toBe('/api/memory/a');
    await waitFor(() => expect(texts()).toEqual(['Ada is my sister']));
    const status = screen.getByTestId('memory-status');
    expect(status.getAttribute('aria-live')).toBe('polite');
    expect(status.textContent).toBe('Deleted: “Answer in French”.');
    const undo = screen.getByTestId('memory-undo');
    expect(document.activeElement).toBe(undo);

    await act(async () => fireEvent.click(undo));
    // The very item comes back, as one line of an import: its id, source and times too.
    const post = calls.filter((c) => c.method === 'POST').at(-1);
    expect(post?.path).toBe('/api/memory/import');
    expect(post?.body).toMatchObject({ id: 'a', text: 'Answer in French', kind: 'procedural', pinned: true, importance: 0.8, never_recall: true, conversation: 'c1' });
    await waitFor(() => expect(texts()).toEqual(['Answer in French', 'Ada is my sister']));
    expect(items[0]).toMatchObject({ id: 'a', text: 'Answer in French', kind: 'procedural', pinned: true, importance: 0.8, never_recall: true, conversation: 'c1' });
    expect(status.textContent).toBe('Restored: “Answer in French”.');
    expect(screen.queryByTestId('memory-undo')).toBeNull();
    expect(document.activeElement?.id).toBe('memory-list-title');
  });

  it('Undo lasts a few seconds, then the focus goes to the list', async () => {
    const { api, calls } = memoryNode([mem('a', 'Ada is my sister'), mem('b', 'I live in Lyon')]);
    render(<MemoryPage api={api} undoMs={50} />);
    await screen.findByText('Ada is my sister');
    await act(async () => fireEvent.click(within(row('Ada')).getByTestId('memory-delete')));
    expect(document.activeElement).toBe(screen.getByTestId('memory-undo'));
    await waitFor(() => expect(screen.queryByTestId('memory-undo')).toBeNull());
    expect(document.activeElement?.id).toBe('memory-list-title');
    expect(screen.getByTestId('memory-status').textContent).toBe('');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    expect(texts()).toEqual(['I live in Lyon']);
  });

  it('says when a delete fails', async () => {
    const { api } = memoryNode([mem('a', 'Ada is my sister')], [], { 'DELETE /api/memory/a': apiError(500, 'database is locked') });
    render(<MemoryPage api={api} />);
    await screen.findByText('Ada is my sister');
    await act(async () => fireEvent.click(within(row('Ada')).getByTestId('memory-delete')));
    expect(screen.getByTestId('memory-error').textContent).toBe('database is locked');
    expect(screen.queryByTestId('memory-undo')).toBeNull();
    expect(texts()).toEqual(['Ada is my sister']);
  });

  it('searches and shows each result\'s score and why it was recalled', async () => {
    const hits: MemoryHit[] = [
      { id: 'a', kind: 'semantic', text: 'Ada is my sister', score: 0.8123, why: { bm25: 2.5, trigram: 0.61, vector: 0.72, recency: 0.9, importance: 0.5, kind: 1, ranks: { bm25: 1, trigram: 2, vector: 1 } } },
      { id: 'b', kind: 'episodic', text: 'We met Ada at the station', score: 0.4, why: { bm25: 1.1, trigram: 0.3, vector: 0.2, recency: 0.1, importance: 0.5, kind: 0.8 } },
    ];
    const { api, calls } = memoryNode([], hits);
    render(<MemoryPage api={api} />);
    await screen.findByTestId('memory-empty');
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search memories' }), { target: { value: 'sistr' } });
    await act(async () => fireEvent.click(screen.getByTestId('memory-search-go')));
    expect(calls.at(-1)?.path).toBe('/api/memory/search?q=sistr&k=5');
    expect(screen.getByTestId('memory-search-count').textContent).toBe('2 recalled for “sistr”, best first.');
    const found = screen.getAllByTestId('memory-hit');
    expect(found.map((h) => within(h).getByTestId('memory-hit-score').textContent)).toEqual(['0.812', '0.400']);
    const why = within(found[0]).getByTestId('memory-why') as HTMLDetailsElement;
    expect(why.open).toBe(false);
    fireEvent.click(within(why).getByText('Why recalled'));
    const cells = (arm: string) => within(within(why).getByTestId(`why-${arm}`)).getAllByRole('cell').map((c) => c.textContent);
    expect(cells('bm25')).toEqual(['2.500', '#1']);
    expect(cells('trigram')).toEqual(['0.610', '#2']);
    expect(cells('vector')).toEqual(['0.720', '#1']);
    expect(cells('recency')).toEqual(['0.900', '—']);
    expect(cells('importance')).toEqual(['0.500', '—']);
    expect(cells('kind')).toEqual(['1.000', '—']);
  });

  it('forgets everything only after a confirmation that holds the focus', async () => {
    const { api, calls } = memoryNode([mem('a', 'Ada is my sister')]);
    render(<MemoryPage api={api} />);
    await screen.findByText('Ada is my sister');
    const button = screen.getByTestId('memory-forget');
    fireEvent.click(button);
    const dialog = screen.getByRole('alertdialog', { name: 'Forget every memory?' });
    expect(document.activeElement).toBe(within(dialog).getByTestId('memory-forget-cancel'));
    fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);

    fireEvent.click(button);
    await act(async () => fireEvent.click(screen.getByTestId('memory-forget-confirm')));
    expect(calls.find((c) => c.method === 'DELETE')?.path).toBe('/api/memory');
    expect(await screen.findByTestId('memory-empty')).toBeTruthy();
    expect(screen.getByTestId('memory-status').textContent).toBe('Every memory was forgotten.');
    expect(document.activeElement).toBe(button);
  });

  it('exports a JSONL download and imports a file, saying how many or which line broke', async () => {
    const fail = {} as Record<string, Answer>;
    const { api, calls } = memoryNode([mem('a', 'Ada is my sister')], [], fail);
    const jsonl = { status: 200, body: '{"id":"a"}' };
    fail['GET /api/memory/export'] = jsonl;
    fail['POST /api/memory/import'] = { body: { imported: 3 } };
    const created = vi.fn((_b: Blob) => 'blob:aria-export');
    Object.assign(URL, { createObjectURL: created, revokeObjectURL: vi.fn() });
    const clicked: HTMLAnchorElement[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) { clicked.push(this); });
    render(<MemoryPage api={api} />);
    await screen.findByText('Ada is my sister');

    await act(async () => fireEvent.click(screen.getByTestId('memory-export')));
    expect(calls.at(-1)?.path).toBe('/api/memory/export');
    expect(created).toHaveBeenCalledTimes(1);
    expect(clicked[0].download).toMatch(/^aria-memory-\d{4}-\d{2}-\d{2}\.jsonl$/);
    expect(clicked[0].href).toBe('blob:aria-export');

    const input = screen.getByLabelText('Import JSONL') as HTMLInputElement;
    const file = new File(['{"text":"a"}\n{"text":"b"}\n{"text":"c"}\n'], 'backup.jsonl', { type: 'application/x-ndjson' });
    await act(async () => fireEvent.change(input, { target: { files: [file] } }));
    expect(calls.at(-2)).toMatchObject({ method: 'POST', path: '/api/memory/import' });
    expect(screen.getByTestId('memory-transfer-result').textContent).toBe('Imported 3 memories from backup.jsonl.');
    expect(calls.at(-1)?.path).toBe('/api/memory?limit=21'); // the list reloads

    fail['POST /api/memory/import'] = { status: 400, body: { error: { message: 'line 2: unknown kind "dream"', type: 'invalid_request_error', param: 'line 2', code: null } } };
    await act(async () => fireEvent.change(input, { target: { files: [file] } }));
    const r = screen.getByTestId('memory-transfer-result');
    expect(r.getAttribute('role')).toBe('alert');
    expect(r.textContent).toBe('Import of backup.jsonl failed, nothing was stored: line 2: unknown kind "dream"');
  });
});
