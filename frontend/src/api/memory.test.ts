import { describe, expect, it, vi } from 'vitest';
import { defaultSettings } from '../components/Settings';
import { apiError, fakeNode } from '../test-fakes';
import { ApiError, Client } from './client';
import { MemoryApi, fieldOf, newConversationID, toRFC3339 } from './memory';

const item = { id: 'm1', kind: 'semantic', text: 'My sister is called Ada', source: 'user', created: '2025-01-02T03:04:05Z',
  updated: '2025-01-02T03:04:05Z', importance: 0.5, pinned: false, never_recall: false, valid_from: '2025-01-02T03:04:05Z' };

// jsdom's Blob has no text(): read it as a page would have before.
const read = (b: Blob) => new Promise<string>((ok) => {
  const r = new FileReader();
  r.onload = () => ok(String(r.result));
  r.readAsText(b);
});

describe('MemoryApi', () => {
  it('speaks the memory contract: paths, queries and bodies', async () => {
    const { client, calls } = fakeNode({
      'GET /api/memory': () => ({ body: { data: [item] } }),
      'GET /api/memory/search': () => ({ body: { data: [{ id: 'm1', kind: 'semantic', text: item.text, score: 0.9, why: {} }] } }),
      'POST /api/memory': (b) => ({ status: 201, body: { ...item, ...(b as object) } }),
      'PATCH /api/memory/m%201': (b) => ({ body: { ...item, ...(b as object) } }),
      'DELETE /api/memory/m%201': () => ({ status: 204, body: undefined }),
      'DELETE /api/memory': () => ({ status: 204, body: undefined }),
      'GET /api/intentions': () => ({ body: { data: null } }),
      'POST /api/intentions': (b) => ({ status: 201, body: { id: 'i1', state: 'pending', ...(b as object) } }),
      'PATCH /api/intentions/i1': (b) => ({ body: { id: 'i1', text: 'x', ...(b as object) } }),
      'DELETE /api/intentions/i1': () => ({ status: 204, body: undefined }),
    });
    const api = new MemoryApi(client);
    expect(await api.list({ kind: 'procedural', limit: 21, offset: 20 })).toEqual([item]);
    expect((await api.search('sister', 5))[0].score).toBe(0.9);
    expect((await api.add({ text: 'x', kind: 'episodic', pinned: true })).kind).toBe('episodic');
    expect((await api.update('m 1', { pinned: true })).pinned).toBe(true);
    expect(await api.remove('m 1')).toBeUndefined();
    expect(await api.forgetAll()).toBeUndefined();
    expect(await api.intentions()).toEqual([]);
    expect((await api.addIntention({ text: 'call mum', cue: 'mother' })).state).toBe('pending');
    await api.updateIntention('i1', { state: 'snoozed', until: '2025-01-02T04:00:00Z' });
    await api.removeIntention('i1');
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/memory?kind=procedural&limit=21&offset=20',
      'GET /api/memory/search?q=sister&k=5',
      'POST /api/memory',
      'PATCH /api/memory/m%201',
      'DELETE /api/memory/m%201',
      'DELETE /api/memory',
      'GET /api/intentions',
      'POST /api/intentions',
      'PATCH /api/intentions/i1',
      'DELETE /api/intentions/i1',
    ]);
    expect(calls[2].body).toEqual({ text: 'x', kind: 'episodic', pinned: true });
    expect(calls[3].body).toEqual({ pinned: true });
    expect(calls[7].body).toEqual({ text: 'call mum', cue: 'mother' });
    expect(calls[8].body).toEqual({ state: 'snoozed', until: '2025-01-02T04:00:00Z' });
  });

  it('keeps the field a 400 names', async () => {
    const { client } = fakeNode({
      'POST /api/memory': () => ({ status: 400, body: { error: { message: 'kind: unknown kind "dream"', type: 'invalid_request_error', param: 'kind', code: null } } }),
      'POST /api/intentions': () => apiError(400, 'at: not a time'),
    });
    const api = new MemoryApi(client);
    const e = await api.add({ text: 'x', kind: 'semantic', pinned: false }).catch((x) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, param: 'kind', message: 'kind: unknown kind "dream"' });
    expect(fieldOf(e)).toBe('kind');
    // No param: the field is read from the message, as the node's jsonErr writes it.
    expect(fieldOf(await api.addIntention({ text: 'x', at: 'soon' }).catch((x) => x))).toBe('at');
    expect(fieldOf(new Error('the node is busy'))).toBeNull();
  });

  it('exports and imports JSONL as it is, with the key', async () => {
    const jsonl = '{"id":"a","text":"one"}\n{"id":"b","text":"two"}\n';
    const f = vi.fn(async (url: string, init?: RequestInit) => url.endsWith('/export')
      ? new Response(jsonl, { status: 200, headers: { 'Content-Type': 'application/x-ndjson' } })
      : init?.body instanceof Blob && (await read(init.body)).includes('broken')
        ? new Response(JSON.stringify({ error: { message: 'line 2: invalid JSON', type: 'invalid_request_error', param: 'line 2', code: null } }), { status: 400 })
        : new Response(JSON.stringify({ imported: 2 }), { status: 200 }));
    const api = new MemoryApi(new Client({ url: 'http://node', key: 'k1' }, f as unknown as typeof fetch));
    expect(await read(await api.exportJSONL())).toBe(jsonl);
    expect(await api.importJSONL(new Blob([jsonl]))).toBe(2);
    const [url, init] = f.mock.calls[1] as unknown as [string, RequestInit];
    expect(url).toBe('http://node/api/memory/import');
    expect(init.headers).toEqual({ Authorization: 'Bearer k1', 'Content-Type': 'application/x-ndjson' });
    expect(await read(init.body as Blob)).toBe(jsonl);
    expect(await api.importJSONL(new Blob(['{}\nbroken\n'])).catch((e) => e.message)).toBe('line 2: invalid JSON');
  });

  it('opts a chat in to memory and reads aria.memory from the last chunk', async () => {
    const memory = { used: [{ id: 'm1', score: 0.81 }], fired: [{ id: 'i1', text: 'call mum' }] };
    const sse = `data: ${JSON.stringify({ choices: [{ delta: { content: 'Hi' } }] })}\n\n`
      + `data: ${JSON.stringify({ choices: [], aria: { tokens_per_s: 3 } })}\n\n`
      + `data: ${JSON.stringify({ choices: [], aria: { memory } })}\n\ndata: [DONE]\n\n`;
    const f = vi.fn(async () => new Response(sse, { status: 200 }));
    const c = new Client({ url: 'http://node', key: '' }, f as unknown as typeof fetch);
    const done = vi.fn();
    await c.chat([{ role: 'user', content: 'hi' }], defaultSettings, { onText: () => {}, onDone: done }, undefined,
      { memory: true, conversation: 'c1', private: true });
    expect(done.mock.calls[0][0].aria).toEqual({ tokens_per_s: 3, memory });
    const body = JSON.parse((f.mock.calls[0] as unknown as [string, RequestInit])[1].body as string);
    expect(body.aria).toEqual({ memory: true, conversation: 'c1', private: true });
    // Memory off: the node still saves the conversation (issue 15); no aria at all: nothing is saved.
    await c.chat([{ role: 'user', content: 'hi' }], defaultSettings, { onText: () => {}, onDone: done }, undefined,
      { memory: false, conversation: 'c1' });
    expect(JSON.parse((f.mock.calls[1] as unknown as [string, RequestInit])[1].body as string).aria).toEqual({ memory: false, conversation: 'c1' });
    await c.chat([{ role: 'user', content: 'hi' }], defaultSettings, { onText: () => {}, onDone: done });
    expect(JSON.parse((f.mock.calls[2] as unknown as [string, RequestInit])[1].body as string).aria).toBeUndefined();
  });

  it('turns a datetime-local value into RFC 3339, and makes fresh conversation ids', () => {
    expect(toRFC3339('2031-05-06T07:08')).toBe(new Date(2031, 4, 6, 7, 8).toISOString().replace('.000Z', 'Z'));
    expect(toRFC3339('')).toBeNull();
    expect(toRFC3339('tomorrow')).toBeNull();
    const a = newConversationID();
    expect(a).toMatch(/^[0-9a-f-]{32,36}$/);
    expect(newConversationID()).not.toBe(a);
  });
});
