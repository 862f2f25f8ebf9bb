import { graphql } from "../gql";

export const PresenceUpdatesDocument = graphql(`
  subscription PresenceUpdates($courseId: ID!) {
    presenceUpdates(courseId: $courseId, withCurrent: true, batched: true) {
      kind
      user {
        id
        username
      }
      online {
        id
        username
      }
      joined {
        id
        username
      }
      left {
        id
        username
      }
      counts {
        online
        students
        staff
      }
    }
  }
`);

export const TypingUpdatesDocument = graphql(`
  subscription TypingUpdates($courseId: ID!) {
    typingUpdates(courseId: $courseId) {
      typing
      user {
        id
        username
      }
    }
  }
`);

export const TypingDocument = graphql(`
  mutation Typing($courseId: ID!) {
    typing(courseId: $courseId)
  }
`);
