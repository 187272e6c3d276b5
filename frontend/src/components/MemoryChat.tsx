import type { AriaMemory } from '../api/memory';
import { score } from './MemorySearch';

export interface MemoryOptions {
  /** the chat reads memory and, unless private, writes its turns to it */
  on: boolean;
  /** save nothing: neither the conversation nor, with memory on, any memory */
  private: boolean;
}

export const defaultMemoryOptions: MemoryOptions = { on: false, private: false };

const memoryHelp =
  'Off by default: with memory on, ARIA may bring facts, rules and reminders from earlier chats into its answers, ' +
  'and stores this chat\'s turns to remember later. Memory stays on this computer; you can see, edit and delete it on the Memory page.';
const privateHelp = 'A private chat is not saved in your conversations and stores nothing in memory; with memory on it still uses what ARIA already remembers.';

/** MemorySwitches are the chat's memory switch and its "private chat" switch. */
export function MemorySwitches({ value, onChange }: { value: MemoryOptions; onChange(v: MemoryOptions): void }) {
  return (
    <div className="row memory-switches">
      <label className="check" title={memoryHelp}>
        <input type="checkbox" checked={value.on} data-testid="memory-switch" aria-describedby="memory-switch-help"
          onChange={(e) => onChange({ ...value, on: e.target.checked })} />
        Memory
      </label>
      <span id="memory-switch-help" className="sr-only">{memoryHelp}</span>
      <label className="check" title={privateHelp}>
        <input type="checkbox" checked={value.private} data-testid="private-switch"
          aria-describedby="private-switch-help" onChange={(e) => onChange({ ...value, private: e.target.checked })} />
        Private chat
      </label>
      <span id="private-switch-help" className="sr-only">{privateHelp}</span>
    </div>
  );
}

/** MemoryUsed says how many memories went into an answer; expanded, which ones and their scores. */
export function MemoryUsed({ used }: { used: AriaMemory['used'] }) {
  const list = used ?? [];
  if (list.length === 0) return <p className="meta" data-testid="memory-used">No memories used</p>;
  return (
    <details className="memory-used" data-testid="memory-used">
      <summary>{list.length} {list.length === 1 ? 'memory' : 'memories'} used</summary>
      <ol>
        {list.map((u) => (
          <li key={u.id} data-testid="memory-used-item">
            {u.text ? <span className="memory-used-text">{u.text}</span> : <code>{u.id}</code>} score <strong>{score(u.score)}</strong>
          </li>
        ))}
      </ol>
    </details>
  );
}
