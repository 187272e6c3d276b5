import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { beforeEach, describe, expect, it } from 'vitest';
import type { StreamHandlers } from '../api/client';
import type { Conversation } from '../api/conversations';
import type { AriaChatOptions } from '../api/memory';
import type { ChatMessage, SamplingSettings } from '../api/types';
import { FakeEvents } from '../test-fakes';
import { ChatPage } from './ChatPage';
import { ChatSession } from './ChatSession';
import { conversation, conversationNode, summary } from './ConversationFakes';

// A fake of the client's chat: the test drives the stream by hand.
function fakeChat() {
  const calls: { messages: ChatMessage[]; s: SamplingSettings; h: StreamHandlers; opts?: AriaChatOptions; finish: () => void }[] = [];
  const client = {
    chat(messages: ChatMessage[], s: SamplingSettings, h: StreamHandlers, signal?: AbortSignal, opts?: AriaChatOptions) {
      return new Promise<void>((resolve, reject) => {
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
        calls.push({ messages, s, h, opts, finish: resolve });
      });
    },
  };
  return { client, calls };
}

const saved: Conversation = {
  id: 'trip', title: 'Trip to Lyon', created: '2025-01-01T00:00:00Z', updated: '2025-03-01T00:00:00Z',
  messages: [
    { role: 'system', content: 'Answer briefly.' },
    { role: 'user', content: 'Where should I eat?' },
    { role: 'assistant', content: 'Try a **bouchon**.', model: 'bitnet', memory: { used: [{ id: 'm1', score: 0.9, text: 'I live in Lyon' }], fired: [{ id: 'i1', text: 'book a table' }] } },
    { role: 'user', content: 'And after?' },
    { role: 'assistant', content: 'A walk by the', stopped: true },
  ],
};

function setup(convs: Conversation[]) {
  const node = conversationNode(convs);
  const chat = fakeChat();
  const session = new ChatSession();
  const r = render(<ChatPage session={session} conversations={node.api} client={chat.client} ready />);
  return { ...node, ...chat, session, ...r };
}

const shown = () => screen.getAllByTestId('message').map((m) => [m.dataset.role, m.querySelector('.markdown, .plain')!.textContent]);

beforeEach(() => FakeEvents.reset());

describe('ChatPage', () => {
  it('reopens a conversation exactly, and the next message continues it', async () => {
    const { calls, session } = setup([structuredClone(saved), conversation('other', 'Other', '2025-01-01T00:00:00Z')]);
    fireEvent.click(await screen.findByRole('button', { name: 'Trip to Lyon' }));
    await waitFor(() => expect(screen.getAllByTestId('message')).toHaveLength(4));
    expect(shown()).toEqual([
      ['user', 'Where should I eat?'], ['assistant', 'Try a bouchon.'], ['user', 'And after?'], ['assistant', 'A walk by the'],
    ]);
    const [, first, , last] = screen.getAllByTestId('message');
    expect(first.querySelector('strong')?.textContent).toBe('bouchon');
    expect(within(first).getByTestId('memory-used').querySelector('summary')?.textContent).toBe('1 memory used');
    expect(within(first).getByRole('note', { name: 'Reminder: book a table' })).toBeTruthy();
    expect(within(last).getByTestId('stopped')).toBeTruthy();
    expect(within(first).queryByTestId('stopped')).toBeNull();
    expect((screen.getByRole('textbox', { name: 'System prompt' }) as HTMLTextAreaElement).value).toBe('Answer briefly.');
    expect(screen.getByRole('button', { name: 'Trip to Lyon' }).getAttribute('aria-current')).toBe('true');
    expect(session.get().id).toBe('trip');

    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'Thanks' } });
    fireEvent.click(screen.getByTestId('send'));
    expect(calls[0].opts).toEqual({ memory: false, conversation: 'trip' });
    expect(calls[0].s.system).toBe('Answer briefly.'); // the client puts it first, as it was saved
    expect(calls[0].messages).toEqual([...saved.messages.slice(1).map(({ role, content }) => ({ role, content })), { role: 'user', content: 'Thanks' }]);
  });

  it('New chat in the sidebar starts a new conversation', async () => {
    const { calls, session } = setup([structuredClone(saved)]);
    fireEvent.click(await screen.findByRole('button', { name: 'Trip to Lyon' }));
    await waitFor(() => expect(screen.getAllByTestId('message')).toHaveLength(4));
    expect(screen.getAllByRole('button', { name: 'New chat' })).toHaveLength(1); // one, in the sidebar
    fireEvent.click(screen.getByRole('button', { name: 'New chat' }));
    expect(screen.queryAllByTestId('message')).toHaveLength(0);
    expect(session.get().id).not.toBe('trip');
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'Hi' } });
    fireEvent.click(screen.getByTestId('send'));
    expect(calls[0].messages).toEqual([{ role: 'user', content: 'Hi' }]);
    expect(calls[0].opts?.conversation).toBe(session.get().id);
  });

  it('deleting the open conversation starts a new chat; Undo brings it back into the chat', async () => {
    const { session } = setup([structuredClone(saved)]);
    fireEvent.click(await screen.findByRole('button', { name: 'Trip to Lyon' }));
    await waitFor(() => expect(screen.getAllByTestId('message')).toHaveLength(4));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete “Trip to Lyon”' })));
    await waitFor(() => expect(screen.queryAllByTestId('message')).toHaveLength(0));
    expect(session.get().id).not.toBe('trip');
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Undo' })));
    await waitFor(() => expect(screen.getAllByTestId('message')).toHaveLength(4));
    expect(session.get().id).toBe('trip');
  });

  it('follows its open conversation when the node saved more of it elsewhere, not while writing', async () => {
    const convs = [structuredClone(saved)];
    const { calls } = setup(convs);
    fireEvent.click(await screen.findByRole('button', { name: 'Trip to Lyon' }));
    await waitFor(() => expect(screen.getAllByTestId('message')).toHaveLength(4));
    await waitFor(() => expect(FakeEvents.open).toHaveLength(1));
    // The same count as shown: nothing to fetch.
    await act(() => FakeEvents.emit('conversation', summary(convs[0])));
    // Another window added a turn.
    convs[0].messages.push({ role: 'user', content: 'From the other window' }, { role: 'assistant', content: 'Seen' });
    await act(() => FakeEvents.emit('conversation', summary(convs[0])));
    await waitFor(() => expect(screen.getAllByTestId('message')).toHaveLength(6));
    expect(shown().at(-1)).toEqual(['assistant', 'Seen']);

    // While this chat writes, its own save is not fetched over it.
    fireEvent.change(screen.getByTestId('chat-input'), { target: { value: 'More' } });
    fireEvent.click(screen.getByTestId('send'));
    act(() => calls[0].h.onText('Streaming'));
    convs[0].messages.push({ role: 'user', content: 'x' });
    await act(() => FakeEvents.emit('conversation', summary(convs[0])));
    expect(shown().at(-1)).toEqual(['assistant', 'Streaming']);
  });
});
