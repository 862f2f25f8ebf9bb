import { graphql } from "../gql";

export const AdminMessagesDocument = graphql(`
  query AdminMessages($filter: MessageFilter, $first: Int, $after: ID) {
    adminMessages(filter: $filter, first: $first, after: $after) {
      totalCount
      endCursor
      hasNextPage
      nodes {
        id
        content
        sentOn
        deletedAt
        course {
          id
          title
        }
        user {
          id
          username
        }
        deletedBy {
          id
          username
        }
      }
    }
  }
`);
