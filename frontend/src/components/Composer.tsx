import type { KeyboardEvent } from 'react';

export interface ComposerProps {
  busy: boolean;
  disabled: boolean;
  /** the draft: kept by the chat's session, so that it outlives the page */
  value: string;
  onChange(text: string): void;
  onSend(text: string): void;
  onStop(): void;
}

/** Composer is the input box: Enter sends, Shift+Enter starts a new line. */
export function Composer({ busy, disabled, value, onChange, onSend, onStop }: ComposerProps) {
  const send = () => {
    const t = value.trim();
    if (!t || busy || disabled) return;
    onSend(t);
    onChange('');
  };
  const onKey = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      send();
    }
  };
  return (
    <div className="composer">
      <label htmlFor="chat-input" className="sr-only">Message</label>
      <textarea
        id="chat-input"
        data-testid="chat-input"
        placeholder={disabled ? 'Load a model first' : 'Write a message (Enter sends, Shift+Enter for a new line)'}
        value={value}
        disabled={disabled}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={onKey}
        rows={3}
      />
      {busy ? (
        <button data-testid="stop" onClick={onStop}>Stop</button>
      ) : (
        <button data-testid="send" onClick={send} disabled={disabled || !value.trim()}>Send</button>
      )}
    </div>
  );
}
