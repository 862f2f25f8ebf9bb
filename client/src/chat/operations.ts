import { graphql } from "../gql";

// One shape for a message wherever it comes from (history, send, live), so lists merge by id.
export const ChatMessageFragment = graphql(`
  fragment ChatMessage on Message {
    id
    courseId
    content
    sentOn
    editedAt
    user {
      id
      username
      role
    }
    replyTo {
      id
      preview
      deleted
      user {
        id
        username
      }
    }
    threadRootId
    replyCount
    lastReplyAt
    reactions {
      emoji
      count
      reactedByMe
      # Who reacted, for the tooltip: the first few are enough to name; the count says the rest.
      users(first: 10) {
        id
        username
      }
    }
    mentions {
      id
      username
      role
    }
    ...QuestionFields
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
  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String, $replyToId: ID) {
    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId, replyToId: $replyToId) {
      ...ChatMessage
    }
  }
`);

export const RoomEventsDocument = graphql(`
  subscription RoomEvents($courseId: ID!, $after: ID) {
    roomEvents(courseId: $courseId, after: $after) {
      cursor
      kind
      messageId
      message {
        ...ChatMessage
      }
      settings {
        announcementOnly
        slowModeSeconds
      }
    }
  }
`);

export const EditMessageDocument = graphql(`
  mutation EditMessage($messageId: ID!, $content: String!) {
    editMessage(messageId: $messageId, content: $content) {
      ...ChatMessage
    }
  }
`);

export const AddReactionDocument = graphql(`
  mutation AddReaction($messageId: ID!, $emoji: String!) {
    addReaction(messageId: $messageId, emoji: $emoji) {
      ...ChatMessage
    }
  }
`);

export const RemoveReactionDocument = graphql(`
  mutation RemoveReaction($messageId: ID!, $emoji: String!) {
    removeReaction(messageId: $messageId, emoji: $emoji) {
      ...ChatMessage
    }
  }
`);

export const ThreadDocument = graphql(`
  query Thread($messageId: ID!, $last: Int, $before: ID) {
    thread(messageId: $messageId, last: $last, before: $before) {
      ...ChatMessage
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
