import { graphql } from "../gql";

// A room's read state as the course list and the navigation show it; the per-user stream
// writes the same fields into the cached Course, so every view follows it.
export const CourseReadStateFragment = graphql(`
  fragment CourseReadState on Course {
    id
    unreadCount
    mentionCount
    unreadBadge
    lastReadMessageId
    firstUnreadMessageId
    lastActivityAt
    lastMessage {
      id
      content
      sentOn
      user {
        id
        username
      }
    }
  }
`);

// Every room's counts, for the navigation and the tab title: their sum follows the stream's
// writes into the cached courses, and the room list is asked again when it changes.
export const UnreadRoomsDocument = graphql(`
  query UnreadRooms {
    myCourses {
      ...CourseReadState
    }
  }
`);

export const MyRoomsUpdatedDocument = graphql(`
  subscription MyRoomsUpdated($after: ID) {
    myRoomsUpdated(after: $after) {
      cursor
      courseId
      kind
      unreadCount
      mentionCount
      unreadBadge
      lastReadMessageId
      firstUnreadMessageId
      lastActivityAt
      lastMessage {
        id
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

export const RoomReadStateDocument = graphql(`
  query RoomReadState($id: ID!) {
    course(id: $id) {
      ...CourseReadState
    }
  }
`);

export const MarkReadDocument = graphql(`
  mutation MarkRead($courseId: ID!, $messageId: ID!) {
    markRead(courseId: $courseId, messageId: $messageId) {
      ...CourseReadState
    }
  }
`);

// When the backlog began, for "73 new messages since 10:02" before its first page is loaded.
export const FirstUnreadTimeDocument = graphql(`
  query FirstUnreadTime($courseId: ID!, $after: ID!) {
    messages(courseId: $courseId, after: $after, last: 1) {
      id
      sentOn
    }
  }
`);
