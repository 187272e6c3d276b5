import { describe, expect, it } from 'vitest';
import { commandFor, shortcuts, typing, type KeyLike } from './shortcuts';

const key = (k: string, mods: Partial<KeyLike> = {}): KeyLike => ({
  key: k, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, target: document.body, ...mods,
});

describe('shortcuts', () => {
  it('maps each documented combination to its command, with ⌘ as Ctrl', () => {
    expect(commandFor(key('O', { ctrlKey: true, shiftKey: true }))).toBe('new-chat');
    expect(commandFor(key('o', { metaKey: true, shiftKey: true }))).toBe('new-chat');
    expect(commandFor(key('Escape'))).toBe('stop');
    expect(commandFor(key('k', { ctrlKey: true }))).toBe('search');
    expect(commandFor(key('K', { metaKey: true }))).toBe('search');
    expect(commandFor(key(',', { ctrlKey: true }))).toBe('settings');
    expect(commandFor(key('F1'))).toBe('help');
    expect(commandFor(key('?', { shiftKey: true }))).toBe('help');
  });

  it('leaves near misses and plain typing alone', () => {
    expect(commandFor(key('o', { ctrlKey: true }))).toBeNull(); // Ctrl+O: the browser's open
    expect(commandFor(key('k', { ctrlKey: true, shiftKey: true }))).toBeNull();
    expect(commandFor(key('k', { ctrlKey: true, altKey: true }))).toBeNull();
    expect(commandFor(key('Escape', { shiftKey: true }))).toBeNull();
    expect(commandFor(key('k'))).toBeNull();
    expect(commandFor(key(','))).toBeNull();
  });

  it("'?' is text inside a field, a shortcut on a button or a checkbox; F1 works everywhere", () => {
    const area = document.createElement('textarea');
    const search = Object.assign(document.createElement('input'), { type: 'search' });
    const box = Object.assign(document.createElement('input'), { type: 'checkbox' });
    const button = document.createElement('button');
    document.body.append(area, search, box, button);
    expect(commandFor(key('?', { target: area }))).toBeNull();
    expect(commandFor(key('?', { target: search }))).toBeNull();
    expect(typing({ target: area })).toBe(true);
    expect(typing({ target: button })).toBe(false);
    expect(commandFor(key('?', { target: box }))).toBe('help');
    expect(commandFor(key('?', { target: button }))).toBe('help');
    expect(commandFor(key('F1', { target: area }))).toBe('help');
    document.body.replaceChildren();
  });

  it('no two shortcuts answer the same keys, and every command has one', () => {
    const samples = [key('O', { ctrlKey: true, shiftKey: true }), key('Escape'), key('k', { ctrlKey: true }), key(',', { ctrlKey: true }), key('F1'), key('?')];
    for (const s of samples) expect(shortcuts.filter((x) => x.matches(s))).toHaveLength(1);
    expect(new Set(shortcuts.map((s) => s.command))).toEqual(new Set(['new-chat', 'stop', 'search', 'settings', 'help']));
  });
});
