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
  mutation SendMessage($courseId: ID!, $content: String!) {
    sendMessage(courseId: $courseId, content: $content) {
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

export const MessageAddedDocument = graphql(`
  subscription MessageAdded($courseId: ID!, $after: ID) {
    messageAdded(courseId: $courseId, after: $after) {
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
