import { describe, expect, it, vi } from 'vitest';
import { FakeEvents, fakeNode } from '../test-fakes';
import { Client } from './client';
import { ConversationsApi, fileName, type Conversation } from './conversations';

const conv: Conversation = {
  id: 'c 1', title: 'Trains', created: '2025-01-02T03:04:05Z', updated: '2025-01-02T03:05:00Z',
  messages: [{ role: 'user', content: 'Trains?' }, { role: 'assistant', content: 'Yes', stopped: true, memory: { used: [], fired: null } }],
};

describe('ConversationsApi', () => {
  it('speaks the conversations contract: paths, queries and bodies', async () => {
    const summary = { id: 'c 1', title: 'Trains', created: conv.created, updated: conv.updated, messages: 2, preview: 'Yes' };
    const { client, calls } = fakeNode({
      'GET /api/conversations': () => ({ body: { data: [summary], total: 7 } }),
      'GET /api/conversations/c%201': () => ({ body: conv }),
      'POST /api/conversations': (b) => ({ status: 201, body: b }),
      'PATCH /api/conversations/c%201': (b) => ({ body: { ...summary, ...(b as object) } }),
      'DELETE /api/conversations/c%201': () => ({ status: 204, body: undefined }),
    });
    const api = new ConversationsApi(client);
    expect(await api.list({ q: '  red trains ', limit: 50, offset: 50 })).toEqual({ data: [summary], total: 7 });
    expect(await api.list()).toEqual({ data: [summary], total: 7 });
    expect(await api.get('c 1')).toEqual(conv);
    expect(await api.restore(conv)).toEqual(conv);
    expect((await api.rename('c 1', 'Red trains')).title).toBe('Red trains');
    expect(await api.remove('c 1')).toBeUndefined();
    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'GET /api/conversations?q=red+trains&limit=50&offset=50',
      'GET /api/conversations',
      'GET /api/conversations/c%201',
      'POST /api/conversations',
      'PATCH /api/conversations/c%201',
      'DELETE /api/conversations/c%201',
    ]);
    expect(calls[3].body).toEqual(conv); // restored exactly
    expect(calls[4].body).toEqual({ title: 'Red trains' });
    expect(api.exportURL('c 1', 'md')).toBe('http://node/api/conversations/c%201/export?format=md');
  });

  it('reads a null list as empty', async () => {
    const { client } = fakeNode({ 'GET /api/conversations': () => ({ body: { data: null, total: 0 } }) });
    expect(await new ConversationsApi(client).list()).toEqual({ data: [], total: 0 });
  });

  it('exports with the key, named as the node names the file', async () => {
    const f = vi.fn(async (_u: string, _i?: RequestInit) => new Response('# Trains\n', {
      status: 200, headers: { 'Content-Type': 'text/markdown', 'Content-Disposition': 'attachment; filename="Trains.md"' },
    }));
    const api = new ConversationsApi(new Client({ url: 'http://node', key: 'k'.repeat(20) }, f as unknown as typeof fetch));
    const r = await api.exportFile('c 1', 'md', 'fallback');
    expect(r.name).toBe('Trains.md');
    expect(r.blob.type).toBe('text/markdown');
    expect(r.blob.size).toBe('# Trains\n'.length);
    expect(f.mock.calls[0][0]).toBe('http://node/api/conversations/c%201/export?format=md');
    expect((f.mock.calls[0][1]!.headers as Record<string, string>).Authorization).toBe(`Bearer ${'k'.repeat(20)}`);

    f.mockImplementationOnce(async () => new Response('{}', { status: 200 }));
    expect((await api.exportFile('c 1', 'json', 'Trains')).name).toBe('Trains.json');
  });

  it('reads Content-Disposition file names', () => {
    expect(fileName('attachment; filename="a b.md"')).toBe('a b.md');
    expect(fileName('attachment; filename=plain.json')).toBe('plain.json');
    expect(fileName('attachment; filename="q\\"uote.md"')).toBe('q"uote.md');
    expect(fileName("attachment; filename=\"x.md\"; filename*=UTF-8''caf%C3%A9.md")).toBe('café.md');
    expect(fileName('attachment')).toBeNull();
    expect(fileName(null)).toBeNull();
  });

  it('follows conversation events', async () => {
    FakeEvents.reset();
    const { client } = fakeNode({});
    const seen: unknown[] = [];
    const stop = new ConversationsApi(client).onChange((e) => seen.push(e));
    await vi.waitFor(() => expect(FakeEvents.open).toHaveLength(1));
    expect(FakeEvents.open[0].url.searchParams.get('types')).toBe('conversation,conversation_deleted');
    await FakeEvents.emit('conversation', { id: 'c1', title: 'T' });
    await FakeEvents.emit('conversation_deleted', { id: 'c1' });
    await vi.waitFor(() => expect(seen).toHaveLength(2));
    expect(seen).toEqual([{ type: 'conversation', data: { id: 'c1', title: 'T' } }, { type: 'conversation_deleted', data: { id: 'c1' } }]);
    stop();
  });
});
