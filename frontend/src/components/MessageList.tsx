import type { ChatMessage } from '../api/types';

export function MessageList({ messages, pending }: { messages: ChatMessage[]; pending: boolean }) {
  return (
    <ol className="messages">
      {messages.map((m, i) => (
        <li key={i} data-testid="message" data-role={m.role} className={`message ${m.role}`}>
          <span className="who">{m.role === 'user' ? 'You' : 'ARIA'}</span>
          <div className="text">
            {m.content}
            {pending && i === messages.length - 1 && m.role === 'assistant' && <span className="cursor">▍</span>}
          </div>
        </li>
      ))}
    </ol>
  );
}
