import type { ReactNode } from 'react';
import type { ChatMessage } from '../api/types';

export interface MessageListProps {
  messages: ChatMessage[];
  pending: boolean;
  /** footer is shown under a message (what memory did for an answer), by the message's index */
  footer?(i: number): ReactNode;
}

export function MessageList({ messages, pending, footer }: MessageListProps) {
  return (
    <ol className="messages">
      {messages.map((m, i) => (
        <li key={i} data-testid="message" data-role={m.role} className={`message ${m.role}`}>
          <span className="who">{m.role === 'user' ? 'You' : 'ARIA'}</span>
          <div className="text">
            {m.content}
            {pending && i === messages.length - 1 && m.role === 'assistant' && <span className="cursor">▍</span>}
          </div>
          {footer?.(i)}
        </li>
      ))}
    </ol>
  );
}
