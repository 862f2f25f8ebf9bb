import { graphql } from "../gql";

export const LoginDocument = graphql(`
  mutation Login($username: String!, $password: String!) {
    login(username: $username, password: $password) {
      token
      user {
        id
        username
        role
      }
    }
  }
`);

export const RegisterDocument = graphql(`
  mutation Register($username: String!, $password: String!) {
    register(username: $username, password: $password) {
      token
      user {
        id
        username
        role
      }
    }
  }
`);

export const RefreshTokenDocument = graphql(`
  mutation RefreshToken {
    refreshToken {
      token
      user {
        id
        username
        role
      }
    }
  }
`);

export const LogoutDocument = graphql(`
  mutation Logout {
    logout
  }
`);
