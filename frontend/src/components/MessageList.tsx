import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { Turn } from './ChatSession';
import { CopyButton, Markdown } from './Markdown';
import '../styles/chat.css';

export interface MessageListProps {
  messages: Turn[];
  /** an answer is being written (the last message) */
  pending: boolean;
  /** footer is shown under a message (what memory did for an answer), by the message's index */
  footer?(i: number): ReactNode;
  /** onRegenerate asks again for the last answer (offered on it when nothing is being written) */
  onRegenerate?(): void;
  /** onEdit resends user message i changed to text, dropping what came after it */
  onEdit?(i: number, text: string): void;
}

const who = { user: 'You', assistant: 'ARIA', system: 'System' } as const;

/**
 * MessageList is the conversation: a log that screen readers follow (each turn a heading), the
 * user's messages as plain text and ARIA's as Markdown, with copy, edit-and-resend and regenerate.
 */
export function MessageList({ messages, pending, footer, onRegenerate, onEdit }: MessageListProps) {
  const [editing, setEditing] = useState<number | null>(null);
  const [text, setText] = useState('');
  const editButtons = useRef(new Map<number, HTMLButtonElement>());
  const box = useRef<HTMLTextAreaElement>(null);
  const back = useRef<number | null>(null);
  const lastAnswer = messages.map((m) => m.role).lastIndexOf('assistant');

  useEffect(() => {
    if (editing !== null) box.current?.focus();
    else if (back.current !== null) editButtons.current.get(back.current)?.focus(); // back where the user was
    back.current = editing;
  }, [editing]);
  useEffect(() => {
    if (pending) setEditing(null); // another answer started (the history it would cut is changing)
  }, [pending]);

  const start = (i: number) => {
    setText(messages[i].content);
    setEditing(i);
  };
  const submit = (i: number) => {
    const t = text.trim();
    if (!t) return;
    setEditing(null);
    onEdit?.(i, t);
  };
  const onKey = (i: number) => (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      setEditing(null);
    } else if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      submit(i);
    }
  };

  return (
    <div role="log" aria-live="polite" aria-label="Messages" aria-busy={pending} className="log">
      <ol className="messages">
        {messages.map((m, i) => {
          const writing = pending && i === messages.length - 1 && m.role === 'assistant';
          return (
            <li key={i} data-testid="message" data-role={m.role} className={`message ${m.role}`}>
              <div className="turn-head">
                <h3 className="who">{who[m.role]}</h3>
                {m.stopped && <span className="badge stopped" data-testid="stopped" title="Stopped before the end: this is the part written until then">stopped</span>}
              </div>
              {editing === i ? (
                <div className="edit">
                  <label htmlFor={`edit-${i}`} className="sr-only">Edit your message</label>
                  <textarea id={`edit-${i}`} ref={box} data-testid="edit-input" value={text} rows={3}
                    onChange={(e) => setText(e.target.value)} onKeyDown={onKey(i)} />
                  <div className="row">
                    <button data-testid="edit-send" disabled={!text.trim()} onClick={() => submit(i)}>Send edited message</button>
                    <button data-testid="edit-cancel" onClick={() => setEditing(null)}>Cancel</button>
                  </div>
                  <p className="meta">Sending cuts the conversation after this message.</p>
                </div>
              ) : m.role === 'assistant' ? (
                <div className="text">
                  <Markdown text={m.content} />
                  {writing && <span className="cursor" aria-hidden="true">▍</span>}
                </div>
              ) : (
                <div className="text plain">{m.content}</div>
              )}
              {!writing && editing !== i && (
                <div className="message-actions">
                  <CopyButton text={m.content} label={m.role === 'assistant' ? 'Copy answer' : 'Copy message'} testid="copy-message" />
                  {m.role === 'user' && onEdit && !pending && (
                    <button data-testid="edit" aria-label="Edit and resend" ref={(b) => { if (b) editButtons.current.set(i, b); else editButtons.current.delete(i); }}
                      onClick={() => start(i)}>Edit</button>
                  )}
                  {i === lastAnswer && onRegenerate && !pending && (
                    <button data-testid="regenerate" aria-label="Regenerate answer" onClick={onRegenerate}>Regenerate</button>
                  )}
                </div>
              )}
              {footer?.(i)}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
