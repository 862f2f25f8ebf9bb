import { graphql } from "../gql";

// One shape for a message wherever it comes from (history, send, live), so lists merge by id.
export const ChatMessageFragment = graphql(`
  fragment ChatMessage on Message {
    id
    courseId
    content
    sentOn
    user {
      id
      username
    }
  }
`);

export const MessagesDocument = graphql(`
  query Messages($courseId: ID!, $last: Int, $before: ID) {
    messages(courseId: $courseId, last: $last, before: $before) {
      ...ChatMessage
    }
  }
`);

export const SendMessageDocument = graphql(`
  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String) {
    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId) {
      ...ChatMessage
    }
  }
`);

export const RoomEventsDocument = graphql(`
  subscription RoomEvents($courseId: ID!, $after: ID) {
    roomEvents(courseId: $courseId, after: $after) {
      kind
      messageId
      message {
        ...ChatMessage
      }
    }
  }
`);

export const DeleteMessageDocument = graphql(`
  mutation DeleteMessage($messageId: ID!) {
    deleteMessage(messageId: $messageId) {
      id
      deletedAt
      deletedBy {
        id
        username
      }
    }
  }
`);
