import { graphql } from "../gql";

export const RoomOnlineDocument = graphql(`
  query RoomOnline($id: ID!) {
    course(id: $id) {
      id
      online {
        id
        username
      }
      onlineCounts {
        online
        students
        staff
      }
    }
  }
`);

export const PresenceUpdatesDocument = graphql(`
  subscription PresenceUpdates($courseId: ID!) {
    presenceUpdates(courseId: $courseId) {
      kind
      user {
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
