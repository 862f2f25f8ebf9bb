import { graphql } from "../gql";

export const RoomMembersDocument = graphql(`
  query RoomMembers($courseId: ID!) {
    roomMembers(courseId: $courseId) {
      id
      username
      role
    }
  }
`);

export const SearchMessagesDocument = graphql(`
  query SearchMessages($courseId: ID!, $query: String!, $first: Int, $before: ID) {
    searchMessages(courseId: $courseId, query: $query, first: $first, before: $before) {
      ...ChatMessage
    }
  }
`);
