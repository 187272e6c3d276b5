import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Conversation } from '../api/conversations';
import { FakeEvents } from '../test-fakes';
import { ConversationList, type ConversationListProps } from './ConversationList';
import { conversation, conversationNode, summary } from './ConversationFakes';

const titles = () => screen.queryAllByTestId('conversation-title').map((t) => t.textContent);
const item = (title: string) => screen.getAllByTestId('conversation').find((r) => within(r).queryByTestId('conversation-title')?.textContent === title)!;

function setup(convs: Conversation[], props: Partial<ConversationListProps> = {}) {
  const node = conversationNode(convs);
  const opened: Conversation[] = [];
  const onNew = vi.fn();
  const onDeleted = vi.fn();
  const onRestored = vi.fn();
  const onSaved = vi.fn();
  const r = render(<ConversationList api={node.api} current="none" onOpen={(c) => opened.push(c)} onNew={onNew} onDeleted={onDeleted}
    onRestored={onRestored} onSaved={onSaved} searchDelay={0} {...props} />);
  return { ...node, opened, onNew, onDeleted, onRestored, onSaved, ...r };
}

beforeEach(() => FakeEvents.reset());
afterEach(() => vi.useRealTimers());

describe('ConversationList', () => {
  it('is a labelled navigation landmark listing conversations newest first, with New chat', async () => {
    const { onNew } = setup([
      conversation('a', 'Old one', '2025-01-01T10:00:00Z'),
      conversation('b', 'Newest', '2025-03-01T10:00:00Z', ['q', 'the last answer']),
      conversation('c', 'Middle', '2025-02-01T10:00:00Z'),
    ]);
    await waitFor(() => expect(titles()).toEqual(['Newest', 'Middle', 'Old one']));
    const nav = screen.getByRole('navigation', { name: 'Conversations' });
    expect(within(nav).getByRole('list', { name: 'Conversations' })).toBeTruthy();
    expect(within(item('Newest')).getByTestId('conversation-preview').textContent).toBe('the last answer');
    expect(within(item('Newest')).getByText(/2 messages/)).toBeTruthy();
    // Every control is named.
    for (const b of within(nav).getAllByRole('button')) expect(b.textContent || b.getAttribute('aria-label')).toBeTruthy();
    expect(within(item('Newest')).getByRole('button', { name: 'Rename “Newest”' })).toBeTruthy();
    expect(within(item('Newest')).getByRole('button', { name: 'Delete “Newest”' })).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'New chat' }));
    expect(onNew).toHaveBeenCalledTimes(1);
  });

  it('searches titles and messages on the node', async () => {
    const { calls } = setup([
      conversation('a', 'Trains', '2025-01-01T10:00:00Z', ['steam engines', 'yes']),
      conversation('b', 'Cooking', '2025-02-01T10:00:00Z', ['a cake with STEAM', 'ok']),
      conversation('c', 'Music', '2025-03-01T10:00:00Z'),
    ]);
    await waitFor(() => expect(titles()).toHaveLength(3));
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search conversations' }), { target: { value: 'steam' } });
    await waitFor(() => expect(titles()).toEqual(['Cooking', 'Trains']));
    expect(calls.at(-1)!.path).toBe('/api/conversations?q=steam&limit=50');
    fireEvent.change(screen.getByRole('searchbox', { name: 'Search conversations' }), { target: { value: 'submarine' } });
    await waitFor(() => expect(screen.getByTestId('conversations-empty').textContent).toBe('No conversation matches “submarine”.'));
  });

  it('opens a conversation with Enter (a button) and marks it current', async () => {
    const convs = [conversation('a', 'First', '2025-01-01T10:00:00Z', ['u', 'a', 'u2', 'a2'])];
    const { opened, rerender, api } = setup(convs);
    const open = await screen.findByRole('button', { name: 'First' });
    fireEvent.click(open);
    await waitFor(() => expect(opened).toHaveLength(1));
    expect(opened[0]).toEqual(convs[0]);
    expect(screen.getByTestId('conversation-status').textContent).toBe('Opened “First”.');
    rerender(<ConversationList api={api} current="a" onOpen={() => {}} onNew={() => {}} />);
    expect(screen.getByRole('button', { name: 'First' }).getAttribute('aria-current')).toBe('true');
  });

  it('renames inline with F2 or Rename: Enter saves, Escape gives up, an empty title is refused', async () => {
    const { calls, convs } = setup([conversation('a', 'Untitled thing', '2025-01-01T10:00:00Z')]);
    const open = await screen.findByRole('button', { name: 'Untitled thing' });
    open.focus();
    fireEvent.keyDown(open, { key: 'F2' });
    let input = screen.getByRole('textbox', { name: 'New title for “Untitled thing”' }) as HTMLInputElement;
    expect(document.activeElement).toBe(input);
    fireEvent.change(input, { target: { value: 'Never saved' } });
    fireEvent.keyDown(input, { key: 'Escape' });
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);
    expect(titles()).toEqual(['Untitled thing']);
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Untitled thing' }));

    fireEvent.click(screen.getByRole('button', { name: 'Rename “Untitled thing”' }));
    input = screen.getByRole('textbox', { name: 'New title for “Untitled thing”' }) as HTMLInputElement;
    fireEvent.change(input, { target: { value: '   ' } });
    fireEvent.keyDown(input, { key: 'Enter' });
    expect(screen.getByRole('alert').textContent).toBe('A title has 1 to 200 characters.');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(calls.some((c) => c.method === 'PATCH')).toBe(false);

    fireEvent.change(input, { target: { value: '  Trip to Lyon  ' } });
    await act(async () => {
      fireEvent.keyDown(input, { key: 'Enter' });
      fireEvent.blur(input); // the focus leaves while the rename is on its way
    });
    await waitFor(() => expect(titles()).toEqual(['Trip to Lyon']));
    expect(calls.find((c) => c.method === 'PATCH')).toEqual({ method: 'PATCH', path: '/api/conversations/a', body: { title: 'Trip to Lyon' } });
    expect(convs[0].title).toBe('Trip to Lyon');
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(1); // the blur sent nothing more
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Trip to Lyon' }));
    expect(screen.getByTestId('conversation-status').textContent).toBe('Renamed to “Trip to Lyon”.');
  });

  it('deletes with Undo that puts back the whole conversation exactly', async () => {
    const gone = conversation('b', 'Keep me', '2025-02-01T10:00:00Z', ['u', 'a']);
    gone.messages[1] = { role: 'assistant', content: 'partial', stopped: true, memory: { used: [{ id: 'm1', score: 0.5 }], fired: null } };
    const original = structuredClone(gone);
    const { calls, convs, onDeleted, onRestored } = setup([conversation('a', 'Other', '2025-01-01T10:00:00Z'), gone], { current: 'b' });
    await waitFor(() => expect(titles()).toEqual(['Keep me', 'Other']));
    await act(async () => fireEvent.click(screen.getByRole('button', { name: 'Delete “Keep me”' })));
    await waitFor(() => expect(titles()).toEqual(['Other']));
    expect(convs.map((c) => c.id)).toEqual(['a']);
    expect(onDeleted).toHaveBeenCalledWith('b');
    expect(screen.getByTestId('conversation-status').textContent).toBe('Deleted “Keep me”.');
    const undo = screen.getByRole('button', { name: 'Undo' });
    expect(document.activeElement).toBe(undo);
    await act(async () => fireEvent.click(undo));
    await waitFor(() => expect(titles()).toEqual(['Keep me', 'Other']));
    const post = calls.find((c) => c.method === 'POST')!;
    expect(post.path).toBe('/api/conversations');
    expect(post.body).toEqual(original);
    expect(onRestored).toHaveBeenCalledWith(original, true);
    expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Keep me' }));
  });

  it('deletes with the Delete key; Undo goes away after a while, the focus to the list', async () => {
    const { convs } = setup([conversation('a', 'Bye', '2025-01-01T10:00:00Z')], { undoMs: 50 });
    const open = await screen.findByRole('button', { name: 'Bye' });
    await act(async () => fireEvent.keyDown(open, { key: 'Delete' }));
    await waitFor(() => expect(convs).toHaveLength(0));
    expect(screen.getByTestId('conversations-empty').textContent).toContain('No saved conversations yet');
    await waitFor(() => expect(screen.queryByRole('button', { name: 'Undo' })).toBeNull());
    expect(document.activeElement).toBe(screen.getByRole('heading', { name: 'Conversations' }));
  });

  it('keeps the open conversation while its answer is written', async () => {
    const { calls } = setup([conversation('a', 'Busy', '2025-01-01T10:00:00Z')], { current: 'a', busy: true });
    const del = await screen.findByRole('button', { name: 'Delete “Busy”' });
    expect((del as HTMLButtonElement).disabled).toBe(true);
    fireEvent.keyDown(screen.getByRole('button', { name: 'Busy' }), { key: 'Delete' });
    await new Promise((r) => setTimeout(r, 10));
    expect(calls.some((c) => c.method === 'DELETE')).toBe(false);
  });

  it('follows the node: a save moves a conversation to the top, a delete removes it', async () => {
    const a = conversation('a', 'A', '2025-01-01T10:00:00Z');
    const { onSaved } = setup([a, conversation('b', 'B', '2025-02-01T10:00:00Z')]);
    await waitFor(() => expect(titles()).toEqual(['B', 'A']));
    await waitFor(() => expect(FakeEvents.open).toHaveLength(1));
    const saved = { ...summary(a), updated: '2025-04-01T10:00:00Z', messages: 4, preview: 'new answer' };
    await act(() => FakeEvents.emit('conversation', saved));
    await waitFor(() => expect(titles()).toEqual(['A', 'B']));
    expect(onSaved).toHaveBeenCalledWith(saved);
    await act(() => FakeEvents.emit('conversation', { ...summary(a), id: 'n', title: 'Brand new', updated: '2025-05-01T10:00:00Z' }));
    await waitFor(() => expect(titles()).toEqual(['Brand new', 'A', 'B']));
    // A rename elsewhere that leaves its time as it was: renamed in place, still newest first.
    await act(() => FakeEvents.emit('conversation', { ...summary(a), title: 'A renamed', updated: '2025-04-01T10:00:00Z', messages: 4 }));
    await waitFor(() => expect(titles()).toEqual(['Brand new', 'A renamed', 'B']));
    await act(() => FakeEvents.emit('conversation', { ...summary(a), id: 'b', title: 'B renamed', updated: '2025-02-01T10:00:00Z' }));
    await waitFor(() => expect(titles()).toEqual(['Brand new', 'A renamed', 'B renamed']));
    await act(() => FakeEvents.emit('conversation_deleted', { id: 'a' }));
    await waitFor(() => expect(titles()).toEqual(['Brand new', 'B renamed']));
  });

  it('exports as Markdown or JSON through links to the node', async () => {
    const saved: string[] = [];
    const blobs: Blob[] = [];
    Object.assign(URL, { createObjectURL: (b: Blob) => { blobs.push(b); return 'blob:x'; }, revokeObjectURL: () => {} }); // jsdom has neither
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) { saved.push(this.download); });
    const { calls } = setup([conversation('a b', 'Notes: 1/2', '2025-01-01T10:00:00Z')]);
    const md = await screen.findByRole('link', { name: 'Export “Notes: 1/2” as Markdown' });
    expect(md.getAttribute('href')).toBe('http://node/api/conversations/a%20b/export?format=md');
    const json = screen.getByRole('link', { name: 'Export “Notes: 1/2” as JSON' });
    expect(json.getAttribute('href')).toBe('http://node/api/conversations/a%20b/export?format=json');
    await act(async () => fireEvent.click(json));
    await waitFor(() => expect(saved).toEqual(['Notes_ 1_2.json'])); // the fake node names no file: the title, made a file name
    expect(calls.at(-1)!.path).toBe('/api/conversations/a%20b/export?format=json');
    expect(blobs[0].type).toBe('application/json');
    expect(screen.getByTestId('conversation-status').textContent).toBe('Exported “Notes: 1/2” as JSON.');
    vi.restoreAllMocks();
  });

  it("shows the node's error", async () => {
    const { api } = conversationNode([], { 'GET /api/conversations': () => ({ status: 500, body: { error: { message: 'memory.db is locked', type: 'server_error' } } }) });
    render(<ConversationList api={api} current="x" onOpen={() => {}} onNew={() => {}} />);
    expect((await screen.findByRole('alert')).textContent).toBe('memory.db is locked');
  });
});
