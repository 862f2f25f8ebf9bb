import { graphql } from "../gql";

// What a room needs to show a question or an answer: spread into the room's message fragment,
// so history, sends and live events (QuestionUpdated, AnswerUpdated) all carry it.
export const QuestionFieldsFragment = graphql(`
  fragment QuestionFields on Message {
    kind
    anonymous
    threadRootId
    replyCount
    question {
      status
      private
      acceptedAnswerId
      askedAt
      waitingSeconds
    }
    answer {
      endorsed
      accepted
    }
  }
`);

// A question in the staff queue: who asked (as the server shows them to the viewer) and how long it waits.
export const QueueQuestionFragment = graphql(`
  fragment QueueQuestion on Message {
    id
    courseId
    content
    sentOn
    user {
      id
      username
      role
    }
    ...QuestionFields
  }
`);

export const AskQuestionDocument = graphql(`
  mutation AskQuestion($courseId: ID!, $content: String!, $clientMessageId: String, $anonymous: Boolean, $private: Boolean) {
    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId, kind: QUESTION, anonymous: $anonymous, private: $private) {
      ...ChatMessage
    }
  }
`);

export const AnswerQuestionDocument = graphql(`
  mutation AnswerQuestion($courseId: ID!, $content: String!, $replyToId: ID!, $clientMessageId: String, $anonymous: Boolean) {
    sendMessage(courseId: $courseId, content: $content, replyToId: $replyToId, clientMessageId: $clientMessageId, anonymous: $anonymous) {
      ...ChatMessage
    }
  }
`);

export const EndorseAnswerDocument = graphql(`
  mutation EndorseAnswer($messageId: ID!, $endorsed: Boolean!) {
    endorseAnswer(messageId: $messageId, endorsed: $endorsed) {
      ...ChatMessage
    }
  }
`);

export const AcceptAnswerDocument = graphql(`
  mutation AcceptAnswer($messageId: ID!, $accepted: Boolean!) {
    acceptAnswer(messageId: $messageId, accepted: $accepted) {
      ...ChatMessage
    }
  }
`);

export const ResolveQuestionDocument = graphql(`
  mutation ResolveQuestion($messageId: ID!) {
    resolveQuestion(messageId: $messageId) {
      ...ChatMessage
    }
  }
`);

export const ReopenQuestionDocument = graphql(`
  mutation ReopenQuestion($messageId: ID!) {
    reopenQuestion(messageId: $messageId) {
      ...ChatMessage
    }
  }
`);

export const SimilarQuestionsDocument = graphql(`
  query SimilarQuestions($courseId: ID!, $text: String!, $first: Int) {
    similarQuestions(courseId: $courseId, text: $text, first: $first) {
      ...QueueQuestion
    }
  }
`);

export const OpenQuestionsDocument = graphql(`
  query OpenQuestions($courseId: ID, $first: Int, $after: ID) {
    openQuestions(courseId: $courseId, first: $first, after: $after) {
      ...QueueQuestion
    }
  }
`);

export const OpenQuestionsUpdatedDocument = graphql(`
  subscription OpenQuestionsUpdated($courseId: ID) {
    openQuestionsUpdated(courseId: $courseId) {
      courseId
      questionId
      open
      question {
        ...QueueQuestion
      }
    }
  }
`);
