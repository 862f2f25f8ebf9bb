import { graphql } from "../gql";

export const MessagesDocument = graphql(`
  query Messages($courseId: ID!, $last: Int, $before: ID) {
    messages(courseId: $courseId, last: $last, before: $before) {
      id
      courseId
      content
      sentOn
      user {
        id
        username
      }
    }
  }
`);

export const SendMessageDocument = graphql(`
  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String) {
    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId) {
      id
      courseId
      content
      sentOn
      user {
        id
        username
      }
    }
  }
`);

export const RoomEventsDocument = graphql(`
  subscription RoomEvents($courseId: ID!, $after: ID) {
    roomEvents(courseId: $courseId, after: $after) {
      kind
      messageId
      message {
        id
        courseId
        content
        sentOn
        user {
          id
          username
        }
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
