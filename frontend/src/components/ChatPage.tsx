import type { ConversationSummary, ConversationsApi } from '../api/conversations';
import { Chat, type ChatProps } from './Chat';
import { useChatSession, type ChatSession } from './ChatSession';
import { ConversationList } from './ConversationList';
import '../styles/chat.css';

export interface ChatPageProps extends Omit<ChatProps, 'session' | 'newChat'> {
  /** the chat's state, kept by the app so that it outlives this page */
  session: ChatSession;
  conversations: ConversationsApi;
}

/** ChatPage is the conversation list beside the chat. */
export function ChatPage({ session, conversations, ...chat }: ChatPageProps) {
  const st = useChatSession(session);
  // The open conversation saved elsewhere (another window, or an answer that went on while this
  // page was away): show what the node holds.
  const follow = (s: ConversationSummary) => {
    if (!session.stale(s.id, s.messages)) return;
    conversations.get(s.id).then((c) => {
      if (session.stale(c.id, c.messages.length)) session.open(c);
    }, () => undefined);
  };
  return (
    <div className="chat-page">
      <ConversationList api={conversations} current={st.id} busy={st.busy}
        onOpen={(c) => session.open(c)} onNew={() => session.reset()}
        onDeleted={(id) => { if (id === session.get().id) session.reset(); }}
        onRestored={(c, wasOpen) => { if (wasOpen && session.get().turns.length === 0) session.open(c); }}
        onSaved={follow} />
      <Chat session={session} newChat={false} {...chat} />
    </div>
  );
}
