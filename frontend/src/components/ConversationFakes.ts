// Fakes of the node's conversation store for the sidebar and chat page tests: the store behind
// the real Client (through test-fakes' fake fetch), as the contract says the node behaves.
import { ConversationsApi, type Conversation, type ConversationSummary } from '../api/conversations';
import { type Handler, fakeNode } from '../test-fakes';

export function conversation(id: string, title: string, updated: string, texts: string[] = ['hello', 'hi']): Conversation {
  return {
    id, title, created: '2025-01-01T00:00:00Z', updated,
    messages: texts.map((content, i) => ({ role: i % 2 ? 'assistant' : 'user', content })),
  };
}

export function summary(c: Conversation): ConversationSummary {
  return { id: c.id, title: c.title, created: c.created, updated: c.updated, messages: c.messages.length, preview: c.messages.at(-1)?.content ?? '' };
}

const notFound = { status: 404, body: { error: { message: 'id: no such conversation', type: 'invalid_request_error', param: 'id', code: null } } };

/** conversationNode is the node's conversation store behind the real Client, as the contract says it behaves. */
export function conversationNode(convs: Conversation[], extra: Record<string, Handler> = {}) {
  const routes: Record<string, Handler> = {
    'GET /api/conversations': (_b, url) => {
      const words = (url.searchParams.get('q') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
      const limit = Number(url.searchParams.get('limit') ?? 50);
      const offset = Number(url.searchParams.get('offset') ?? 0);
      const all = convs
        .filter((c) => words.every((w) => [c.title, ...c.messages.map((m) => m.content)].join(' ').toLowerCase().includes(w)))
        .sort((a, b) => Date.parse(b.updated) - Date.parse(a.updated));
      return { body: { data: all.slice(offset, offset + limit).map(summary), total: all.length } };
    },
    'POST /api/conversations': (b) => {
      const c = b as Conversation;
      if (convs.some((x) => x.id === c.id)) return { status: 409, body: { error: { message: 'id: exists', type: 'invalid_request_error', param: 'id' } } };
      convs.push(c);
      return { status: 201, body: c };
    },
    ...extra,
  };
  const byID = (method: string, path: string): Handler | undefined => {
    const m = /^\/api\/conversations\/([^/]+)(\/export)?$/.exec(path);
    if (!m) return undefined;
    const i = convs.findIndex((x) => x.id === decodeURIComponent(m[1]));
    if (i < 0) return () => notFound;
    if (m[2]) return method === 'GET' ? () => ({ body: convs[i] }) : undefined;
    if (method === 'GET') return () => ({ body: convs[i] });
    if (method === 'DELETE') return () => { convs.splice(i, 1); return { status: 204, body: undefined }; };
    if (method === 'PATCH') return (b) => { convs[i] = { ...convs[i], ...(b as object) }; return { body: summary(convs[i]) }; };
    return undefined;
  };
  const proxy = new Proxy(routes, {
    get(r, key: string) {
      if (r[key]) return r[key];
      const [method, path] = key.split(' ');
      return byID(method, path);
    },
  });
  const { client, calls } = fakeNode(proxy);
  return { api: new ConversationsApi(client), calls, convs };
}
