/* eslint-disable */
import * as types from './graphql';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query AdminMessages($filter: MessageFilter, $first: Int, $after: ID) {\n    adminMessages(filter: $filter, first: $first, after: $after) {\n      totalCount\n      endCursor\n      hasNextPage\n      nodes {\n        id\n        content\n        sentOn\n        deletedAt\n        course {\n          id\n          title\n        }\n        user {\n          id\n          username\n        }\n        deletedBy {\n          id\n          username\n        }\n      }\n    }\n  }\n": typeof types.AdminMessagesDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n": typeof types.LoginDocument,
    "\n  mutation Register($username: String!, $password: String!) {\n    register(username: $username, password: $password) {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n": typeof types.RegisterDocument,
    "\n  mutation RefreshToken {\n    refreshToken {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n": typeof types.RefreshTokenDocument,
    "\n  mutation Logout {\n    logout\n  }\n": typeof types.LogoutDocument,
    "\n  query RoomMembers($courseId: ID!) {\n    roomMembers(courseId: $courseId) {\n      id\n      username\n      role\n    }\n  }\n": typeof types.RoomMembersDocument,
    "\n  query SearchMessages($courseId: ID!, $query: String!, $first: Int, $before: ID) {\n    searchMessages(courseId: $courseId, query: $query, first: $first, before: $before) {\n      ...ChatMessage\n    }\n  }\n": typeof types.SearchMessagesDocument,
    "\n  fragment ChatMessage on Message {\n    id\n    courseId\n    content\n    sentOn\n    editedAt\n    user {\n      id\n      username\n      role\n    }\n    replyTo {\n      id\n      preview\n      deleted\n      user {\n        id\n        username\n      }\n    }\n    threadRootId\n    replyCount\n    lastReplyAt\n    reactions {\n      emoji\n      count\n      reactedByMe\n      # Who reacted, for the tooltip: the first few are enough to name; the count says the rest.\n      users(first: 10) {\n        id\n        username\n      }\n    }\n    mentions {\n      id\n      username\n      role\n    }\n    ...QuestionFields\n  }\n": typeof types.ChatMessageFragmentDoc,
    "\n  query Messages($courseId: ID!, $last: Int, $before: ID) {\n    messages(courseId: $courseId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n": typeof types.MessagesDocument,
    "\n  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String, $replyToId: ID) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId, replyToId: $replyToId) {\n      ...ChatMessage\n    }\n  }\n": typeof types.SendMessageDocument,
    "\n  subscription RoomEvents($courseId: ID!, $after: ID) {\n    roomEvents(courseId: $courseId, after: $after) {\n      cursor\n      kind\n      messageId\n      message {\n        ...ChatMessage\n      }\n      settings {\n        announcementOnly\n        slowModeSeconds\n      }\n    }\n  }\n": typeof types.RoomEventsDocument,
    "\n  mutation EditMessage($messageId: ID!, $content: String!) {\n    editMessage(messageId: $messageId, content: $content) {\n      ...ChatMessage\n    }\n  }\n": typeof types.EditMessageDocument,
    "\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n": typeof types.AddReactionDocument,
    "\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n": typeof types.RemoveReactionDocument,
    "\n  query Thread($messageId: ID!, $last: Int, $before: ID) {\n    thread(messageId: $messageId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n": typeof types.ThreadDocument,
    "\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      id\n      deletedAt\n      deletedBy {\n        id\n        username\n      }\n    }\n  }\n": typeof types.DeleteMessageDocument,
    "\n  fragment CourseSummary on Course {\n    id\n    title\n    overview\n    isMember\n    isRemoved\n    owner {\n      id\n      username\n    }\n  }\n": typeof types.CourseSummaryFragmentDoc,
    "\n  query Courses {\n    courses {\n      ...CourseSummary\n    }\n  }\n": typeof types.CoursesDocument,
    "\n  query MyCourses {\n    myCourses(orderBy: ACTIVITY) {\n      ...CourseSummary\n      ...CourseReadState\n    }\n  }\n": typeof types.MyCoursesDocument,
    "\n  query Course($id: ID!) {\n    course(id: $id) {\n      ...CourseSummary\n      createdAt\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n": typeof types.CourseDocument,
    "\n  mutation Enroll($courseId: ID!) {\n    enroll(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n": typeof types.EnrollDocument,
    "\n  mutation CreateCourse($title: String!, $overview: String) {\n    createCourse(title: $title, overview: $overview) {\n      ...CourseSummary\n    }\n  }\n": typeof types.CreateCourseDocument,
    "\n  query CourseStudents($courseId: ID!) {\n    courseStudents(courseId: $courseId) {\n      id\n      username\n    }\n  }\n": typeof types.CourseStudentsDocument,
    "\n  mutation RemoveStudent($courseId: ID!, $userId: ID!) {\n    removeStudent(courseId: $courseId, userId: $userId) {\n      id\n    }\n  }\n": typeof types.RemoveStudentDocument,
    "\n  mutation LeaveCourse($courseId: ID!) {\n    leaveCourse(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n": typeof types.LeaveCourseDocument,
    "\n  mutation UpdateRoomSettings($courseId: ID!, $announcementOnly: Boolean, $slowModeSeconds: Int) {\n    updateRoomSettings(courseId: $courseId, announcementOnly: $announcementOnly, slowModeSeconds: $slowModeSeconds) {\n      id\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n": typeof types.UpdateRoomSettingsDocument,
    "\n  subscription PresenceUpdates($courseId: ID!) {\n    presenceUpdates(courseId: $courseId, withCurrent: true, batched: true) {\n      kind\n      user {\n        id\n        username\n      }\n      online {\n        id\n        username\n      }\n      joined {\n        id\n        username\n      }\n      left {\n        id\n        username\n      }\n      counts {\n        online\n        students\n        staff\n      }\n    }\n  }\n": typeof types.PresenceUpdatesDocument,
    "\n  subscription TypingUpdates($courseId: ID!) {\n    typingUpdates(courseId: $courseId) {\n      typing\n      user {\n        id\n        username\n      }\n    }\n  }\n": typeof types.TypingUpdatesDocument,
    "\n  mutation Typing($courseId: ID!) {\n    typing(courseId: $courseId)\n  }\n": typeof types.TypingDocument,
    "\n  fragment QuestionFields on Message {\n    kind\n    anonymous\n    threadRootId\n    replyCount\n    question {\n      status\n      private\n      acceptedAnswerId\n      askedAt\n      waitingSeconds\n    }\n    answer {\n      endorsed\n      accepted\n    }\n  }\n": typeof types.QuestionFieldsFragmentDoc,
    "\n  fragment QueueQuestion on Message {\n    id\n    courseId\n    content\n    sentOn\n    user {\n      id\n      username\n      role\n    }\n    ...QuestionFields\n  }\n": typeof types.QueueQuestionFragmentDoc,
    "\n  mutation AskQuestion($courseId: ID!, $content: String!, $clientMessageId: String, $anonymous: Boolean, $private: Boolean) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId, kind: QUESTION, anonymous: $anonymous, private: $private) {\n      ...ChatMessage\n    }\n  }\n": typeof types.AskQuestionDocument,
    "\n  mutation AnswerQuestion($courseId: ID!, $content: String!, $replyToId: ID!, $clientMessageId: String, $anonymous: Boolean) {\n    sendMessage(courseId: $courseId, content: $content, replyToId: $replyToId, clientMessageId: $clientMessageId, anonymous: $anonymous) {\n      ...ChatMessage\n    }\n  }\n": typeof types.AnswerQuestionDocument,
    "\n  mutation EndorseAnswer($messageId: ID!, $endorsed: Boolean!) {\n    endorseAnswer(messageId: $messageId, endorsed: $endorsed) {\n      ...ChatMessage\n    }\n  }\n": typeof types.EndorseAnswerDocument,
    "\n  mutation AcceptAnswer($messageId: ID!, $accepted: Boolean!) {\n    acceptAnswer(messageId: $messageId, accepted: $accepted) {\n      ...ChatMessage\n    }\n  }\n": typeof types.AcceptAnswerDocument,
    "\n  mutation ResolveQuestion($messageId: ID!) {\n    resolveQuestion(messageId: $messageId) {\n      ...ChatMessage\n    }\n  }\n": typeof types.ResolveQuestionDocument,
    "\n  mutation ReopenQuestion($messageId: ID!) {\n    reopenQuestion(messageId: $messageId) {\n      ...ChatMessage\n    }\n  }\n": typeof types.ReopenQuestionDocument,
    "\n  query SimilarQuestions($courseId: ID!, $text: String!, $first: Int) {\n    similarQuestions(courseId: $courseId, text: $text, first: $first) {\n      ...QueueQuestion\n    }\n  }\n": typeof types.SimilarQuestionsDocument,
    "\n  query OpenQuestions($courseId: ID, $first: Int, $after: ID) {\n    openQuestions(courseId: $courseId, first: $first, after: $after) {\n      ...QueueQuestion\n    }\n  }\n": typeof types.OpenQuestionsDocument,
    "\n  subscription OpenQuestionsUpdated($courseId: ID) {\n    openQuestionsUpdated(courseId: $courseId) {\n      courseId\n      questionId\n      open\n      question {\n        ...QueueQuestion\n      }\n    }\n  }\n": typeof types.OpenQuestionsUpdatedDocument,
    "\n  fragment CourseReadState on Course {\n    id\n    unreadCount\n    mentionCount\n    unreadBadge\n    lastReadMessageId\n    firstUnreadMessageId\n    lastActivityAt\n    lastMessage {\n      id\n      content\n      sentOn\n      user {\n        id\n        username\n      }\n    }\n  }\n": typeof types.CourseReadStateFragmentDoc,
    "\n  query UnreadRooms {\n    myCourses {\n      ...CourseReadState\n    }\n  }\n": typeof types.UnreadRoomsDocument,
    "\n  subscription MyRoomsUpdated($after: ID) {\n    myRoomsUpdated(after: $after) {\n      cursor\n      courseId\n      kind\n      unreadCount\n      mentionCount\n      unreadBadge\n      lastReadMessageId\n      firstUnreadMessageId\n      lastActivityAt\n      lastMessage {\n        id\n        content\n        sentOn\n        user {\n          id\n          username\n        }\n      }\n    }\n  }\n": typeof types.MyRoomsUpdatedDocument,
    "\n  query RoomReadState($id: ID!) {\n    course(id: $id) {\n      ...CourseReadState\n    }\n  }\n": typeof types.RoomReadStateDocument,
    "\n  mutation MarkRead($courseId: ID!, $messageId: ID!) {\n    markRead(courseId: $courseId, messageId: $messageId) {\n      ...CourseReadState\n    }\n  }\n": typeof types.MarkReadDocument,
    "\n  query FirstUnreadTime($courseId: ID!, $after: ID!) {\n    messages(courseId: $courseId, after: $after, last: 1) {\n      id\n      sentOn\n    }\n  }\n": typeof types.FirstUnreadTimeDocument,
};
const documents: Documents = {
    "\n  query AdminMessages($filter: MessageFilter, $first: Int, $after: ID) {\n    adminMessages(filter: $filter, first: $first, after: $after) {\n      totalCount\n      endCursor\n      hasNextPage\n      nodes {\n        id\n        content\n        sentOn\n        deletedAt\n        course {\n          id\n          title\n        }\n        user {\n          id\n          username\n        }\n        deletedBy {\n          id\n          username\n        }\n      }\n    }\n  }\n": types.AdminMessagesDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Register($username: String!, $password: String!) {\n    register(username: $username, password: $password) {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n": types.RegisterDocument,
    "\n  mutation RefreshToken {\n    refreshToken {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  mutation Logout {\n    logout\n  }\n": types.LogoutDocument,
    "\n  query RoomMembers($courseId: ID!) {\n    roomMembers(courseId: $courseId) {\n      id\n      username\n      role\n    }\n  }\n": types.RoomMembersDocument,
    "\n  query SearchMessages($courseId: ID!, $query: String!, $first: Int, $before: ID) {\n    searchMessages(courseId: $courseId, query: $query, first: $first, before: $before) {\n      ...ChatMessage\n    }\n  }\n": types.SearchMessagesDocument,
    "\n  fragment ChatMessage on Message {\n    id\n    courseId\n    content\n    sentOn\n    editedAt\n    user {\n      id\n      username\n      role\n    }\n    replyTo {\n      id\n      preview\n      deleted\n      user {\n        id\n        username\n      }\n    }\n    threadRootId\n    replyCount\n    lastReplyAt\n    reactions {\n      emoji\n      count\n      reactedByMe\n      # Who reacted, for the tooltip: the first few are enough to name; the count says the rest.\n      users(first: 10) {\n        id\n        username\n      }\n    }\n    mentions {\n      id\n      username\n      role\n    }\n    ...QuestionFields\n  }\n": types.ChatMessageFragmentDoc,
    "\n  query Messages($courseId: ID!, $last: Int, $before: ID) {\n    messages(courseId: $courseId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n": types.MessagesDocument,
    "\n  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String, $replyToId: ID) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId, replyToId: $replyToId) {\n      ...ChatMessage\n    }\n  }\n": types.SendMessageDocument,
    "\n  subscription RoomEvents($courseId: ID!, $after: ID) {\n    roomEvents(courseId: $courseId, after: $after) {\n      cursor\n      kind\n      messageId\n      message {\n        ...ChatMessage\n      }\n      settings {\n        announcementOnly\n        slowModeSeconds\n      }\n    }\n  }\n": types.RoomEventsDocument,
    "\n  mutation EditMessage($messageId: ID!, $content: String!) {\n    editMessage(messageId: $messageId, content: $content) {\n      ...ChatMessage\n    }\n  }\n": types.EditMessageDocument,
    "\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n": types.AddReactionDocument,
    "\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n": types.RemoveReactionDocument,
    "\n  query Thread($messageId: ID!, $last: Int, $before: ID) {\n    thread(messageId: $messageId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n": types.ThreadDocument,
    "\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      id\n      deletedAt\n      deletedBy {\n        id\n        username\n      }\n    }\n  }\n": types.DeleteMessageDocument,
    "\n  fragment CourseSummary on Course {\n    id\n    title\n    overview\n    isMember\n    isRemoved\n    owner {\n      id\n      username\n    }\n  }\n": types.CourseSummaryFragmentDoc,
    "\n  query Courses {\n    courses {\n      ...CourseSummary\n    }\n  }\n": types.CoursesDocument,
    "\n  query MyCourses {\n    myCourses(orderBy: ACTIVITY) {\n      ...CourseSummary\n      ...CourseReadState\n    }\n  }\n": types.MyCoursesDocument,
    "\n  query Course($id: ID!) {\n    course(id: $id) {\n      ...CourseSummary\n      createdAt\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n": types.CourseDocument,
    "\n  mutation Enroll($courseId: ID!) {\n    enroll(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n": types.EnrollDocument,
    "\n  mutation CreateCourse($title: String!, $overview: String) {\n    createCourse(title: $title, overview: $overview) {\n      ...CourseSummary\n    }\n  }\n": types.CreateCourseDocument,
    "\n  query CourseStudents($courseId: ID!) {\n    courseStudents(courseId: $courseId) {\n      id\n      username\n    }\n  }\n": types.CourseStudentsDocument,
    "\n  mutation RemoveStudent($courseId: ID!, $userId: ID!) {\n    removeStudent(courseId: $courseId, userId: $userId) {\n      id\n    }\n  }\n": types.RemoveStudentDocument,
    "\n  mutation LeaveCourse($courseId: ID!) {\n    leaveCourse(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n": types.LeaveCourseDocument,
    "\n  mutation UpdateRoomSettings($courseId: ID!, $announcementOnly: Boolean, $slowModeSeconds: Int) {\n    updateRoomSettings(courseId: $courseId, announcementOnly: $announcementOnly, slowModeSeconds: $slowModeSeconds) {\n      id\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n": types.UpdateRoomSettingsDocument,
    "\n  subscription PresenceUpdates($courseId: ID!) {\n    presenceUpdates(courseId: $courseId, withCurrent: true, batched: true) {\n      kind\n      user {\n        id\n        username\n      }\n      online {\n        id\n        username\n      }\n      joined {\n        id\n        username\n      }\n      left {\n        id\n        username\n      }\n      counts {\n        online\n        students\n        staff\n      }\n    }\n  }\n": types.PresenceUpdatesDocument,
    "\n  subscription TypingUpdates($courseId: ID!) {\n    typingUpdates(courseId: $courseId) {\n      typing\n      user {\n        id\n        username\n      }\n    }\n  }\n": types.TypingUpdatesDocument,
    "\n  mutation Typing($courseId: ID!) {\n    typing(courseId: $courseId)\n  }\n": types.TypingDocument,
    "\n  fragment QuestionFields on Message {\n    kind\n    anonymous\n    threadRootId\n    replyCount\n    question {\n      status\n      private\n      acceptedAnswerId\n      askedAt\n      waitingSeconds\n    }\n    answer {\n      endorsed\n      accepted\n    }\n  }\n": types.QuestionFieldsFragmentDoc,
    "\n  fragment QueueQuestion on Message {\n    id\n    courseId\n    content\n    sentOn\n    user {\n      id\n      username\n      role\n    }\n    ...QuestionFields\n  }\n": types.QueueQuestionFragmentDoc,
    "\n  mutation AskQuestion($courseId: ID!, $content: String!, $clientMessageId: String, $anonymous: Boolean, $private: Boolean) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId, kind: QUESTION, anonymous: $anonymous, private: $private) {\n      ...ChatMessage\n    }\n  }\n": types.AskQuestionDocument,
    "\n  mutation AnswerQuestion($courseId: ID!, $content: String!, $replyToId: ID!, $clientMessageId: String, $anonymous: Boolean) {\n    sendMessage(courseId: $courseId, content: $content, replyToId: $replyToId, clientMessageId: $clientMessageId, anonymous: $anonymous) {\n      ...ChatMessage\n    }\n  }\n": types.AnswerQuestionDocument,
    "\n  mutation EndorseAnswer($messageId: ID!, $endorsed: Boolean!) {\n    endorseAnswer(messageId: $messageId, endorsed: $endorsed) {\n      ...ChatMessage\n    }\n  }\n": types.EndorseAnswerDocument,
    "\n  mutation AcceptAnswer($messageId: ID!, $accepted: Boolean!) {\n    acceptAnswer(messageId: $messageId, accepted: $accepted) {\n      ...ChatMessage\n    }\n  }\n": types.AcceptAnswerDocument,
    "\n  mutation ResolveQuestion($messageId: ID!) {\n    resolveQuestion(messageId: $messageId) {\n      ...ChatMessage\n    }\n  }\n": types.ResolveQuestionDocument,
    "\n  mutation ReopenQuestion($messageId: ID!) {\n    reopenQuestion(messageId: $messageId) {\n      ...ChatMessage\n    }\n  }\n": types.ReopenQuestionDocument,
    "\n  query SimilarQuestions($courseId: ID!, $text: String!, $first: Int) {\n    similarQuestions(courseId: $courseId, text: $text, first: $first) {\n      ...QueueQuestion\n    }\n  }\n": types.SimilarQuestionsDocument,
    "\n  query OpenQuestions($courseId: ID, $first: Int, $after: ID) {\n    openQuestions(courseId: $courseId, first: $first, after: $after) {\n      ...QueueQuestion\n    }\n  }\n": types.OpenQuestionsDocument,
    "\n  subscription OpenQuestionsUpdated($courseId: ID) {\n    openQuestionsUpdated(courseId: $courseId) {\n      courseId\n      questionId\n      open\n      question {\n        ...QueueQuestion\n      }\n    }\n  }\n": types.OpenQuestionsUpdatedDocument,
    "\n  fragment CourseReadState on Course {\n    id\n    unreadCount\n    mentionCount\n    unreadBadge\n    lastReadMessageId\n    firstUnreadMessageId\n    lastActivityAt\n    lastMessage {\n      id\n      content\n      sentOn\n      user {\n        id\n        username\n      }\n    }\n  }\n": types.CourseReadStateFragmentDoc,
    "\n  query UnreadRooms {\n    myCourses {\n      ...CourseReadState\n    }\n  }\n": types.UnreadRoomsDocument,
    "\n  subscription MyRoomsUpdated($after: ID) {\n    myRoomsUpdated(after: $after) {\n      cursor\n      courseId\n      kind\n      unreadCount\n      mentionCount\n      unreadBadge\n      lastReadMessageId\n      firstUnreadMessageId\n      lastActivityAt\n      lastMessage {\n        id\n        content\n        sentOn\n        user {\n          id\n          username\n        }\n      }\n    }\n  }\n": types.MyRoomsUpdatedDocument,
    "\n  query RoomReadState($id: ID!) {\n    course(id: $id) {\n      ...CourseReadState\n    }\n  }\n": types.RoomReadStateDocument,
    "\n  mutation MarkRead($courseId: ID!, $messageId: ID!) {\n    markRead(courseId: $courseId, messageId: $messageId) {\n      ...CourseReadState\n    }\n  }\n": types.MarkReadDocument,
    "\n  query FirstUnreadTime($courseId: ID!, $after: ID!) {\n    messages(courseId: $courseId, after: $after, last: 1) {\n      id\n      sentOn\n    }\n  }\n": types.FirstUnreadTimeDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AdminMessages($filter: MessageFilter, $first: Int, $after: ID) {\n    adminMessages(filter: $filter, first: $first, after: $after) {\n      totalCount\n      endCursor\n      hasNextPage\n      nodes {\n        id\n        content\n        sentOn\n        deletedAt\n        course {\n          id\n          title\n        }\n        user {\n          id\n          username\n        }\n        deletedBy {\n          id\n          username\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  query AdminMessages($filter: MessageFilter, $first: Int, $after: ID) {\n    adminMessages(filter: $filter, first: $first, after: $after) {\n      totalCount\n      endCursor\n      hasNextPage\n      nodes {\n        id\n        content\n        sentOn\n        deletedAt\n        course {\n          id\n          title\n        }\n        user {\n          id\n          username\n        }\n        deletedBy {\n          id\n          username\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Register($username: String!, $password: String!) {\n    register(username: $username, password: $password) {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation Register($username: String!, $password: String!) {\n    register(username: $username, password: $password) {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RefreshToken {\n    refreshToken {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation RefreshToken {\n    refreshToken {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Logout {\n    logout\n  }\n"): (typeof documents)["\n  mutation Logout {\n    logout\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomMembers($courseId: ID!) {\n    roomMembers(courseId: $courseId) {\n      id\n      username\n      role\n    }\n  }\n"): (typeof documents)["\n  query RoomMembers($courseId: ID!) {\n    roomMembers(courseId: $courseId) {\n      id\n      username\n      role\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SearchMessages($courseId: ID!, $query: String!, $first: Int, $before: ID) {\n    searchMessages(courseId: $courseId, query: $query, first: $first, before: $before) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  query SearchMessages($courseId: ID!, $query: String!, $first: Int, $before: ID) {\n    searchMessages(courseId: $courseId, query: $query, first: $first, before: $before) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ChatMessage on Message {\n    id\n    courseId\n    content\n    sentOn\n    editedAt\n    user {\n      id\n      username\n      role\n    }\n    replyTo {\n      id\n      preview\n      deleted\n      user {\n        id\n        username\n      }\n    }\n    threadRootId\n    replyCount\n    lastReplyAt\n    reactions {\n      emoji\n      count\n      reactedByMe\n      # Who reacted, for the tooltip: the first few are enough to name; the count says the rest.\n      users(first: 10) {\n        id\n        username\n      }\n    }\n    mentions {\n      id\n      username\n      role\n    }\n    ...QuestionFields\n  }\n"): (typeof documents)["\n  fragment ChatMessage on Message {\n    id\n    courseId\n    content\n    sentOn\n    editedAt\n    user {\n      id\n      username\n      role\n    }\n    replyTo {\n      id\n      preview\n      deleted\n      user {\n        id\n        username\n      }\n    }\n    threadRootId\n    replyCount\n    lastReplyAt\n    reactions {\n      emoji\n      count\n      reactedByMe\n      # Who reacted, for the tooltip: the first few are enough to name; the count says the rest.\n      users(first: 10) {\n        id\n        username\n      }\n    }\n    mentions {\n      id\n      username\n      role\n    }\n    ...QuestionFields\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Messages($courseId: ID!, $last: Int, $before: ID) {\n    messages(courseId: $courseId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  query Messages($courseId: ID!, $last: Int, $before: ID) {\n    messages(courseId: $courseId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String, $replyToId: ID) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId, replyToId: $replyToId) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String, $replyToId: ID) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId, replyToId: $replyToId) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RoomEvents($courseId: ID!, $after: ID) {\n    roomEvents(courseId: $courseId, after: $after) {\n      cursor\n      kind\n      messageId\n      message {\n        ...ChatMessage\n      }\n      settings {\n        announcementOnly\n        slowModeSeconds\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription RoomEvents($courseId: ID!, $after: ID) {\n    roomEvents(courseId: $courseId, after: $after) {\n      cursor\n      kind\n      messageId\n      message {\n        ...ChatMessage\n      }\n      settings {\n        announcementOnly\n        slowModeSeconds\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EditMessage($messageId: ID!, $content: String!) {\n    editMessage(messageId: $messageId, content: $content) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation EditMessage($messageId: ID!, $content: String!) {\n    editMessage(messageId: $messageId, content: $content) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation AddReaction($messageId: ID!, $emoji: String!) {\n    addReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveReaction($messageId: ID!, $emoji: String!) {\n    removeReaction(messageId: $messageId, emoji: $emoji) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Thread($messageId: ID!, $last: Int, $before: ID) {\n    thread(messageId: $messageId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  query Thread($messageId: ID!, $last: Int, $before: ID) {\n    thread(messageId: $messageId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      id\n      deletedAt\n      deletedBy {\n        id\n        username\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      id\n      deletedAt\n      deletedBy {\n        id\n        username\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CourseSummary on Course {\n    id\n    title\n    overview\n    isMember\n    isRemoved\n    owner {\n      id\n      username\n    }\n  }\n"): (typeof documents)["\n  fragment CourseSummary on Course {\n    id\n    title\n    overview\n    isMember\n    isRemoved\n    owner {\n      id\n      username\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Courses {\n    courses {\n      ...CourseSummary\n    }\n  }\n"): (typeof documents)["\n  query Courses {\n    courses {\n      ...CourseSummary\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyCourses {\n    myCourses(orderBy: ACTIVITY) {\n      ...CourseSummary\n      ...CourseReadState\n    }\n  }\n"): (typeof documents)["\n  query MyCourses {\n    myCourses(orderBy: ACTIVITY) {\n      ...CourseSummary\n      ...CourseReadState\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Course($id: ID!) {\n    course(id: $id) {\n      ...CourseSummary\n      createdAt\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n"): (typeof documents)["\n  query Course($id: ID!) {\n    course(id: $id) {\n      ...CourseSummary\n      createdAt\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Enroll($courseId: ID!) {\n    enroll(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n"): (typeof documents)["\n  mutation Enroll($courseId: ID!) {\n    enroll(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CreateCourse($title: String!, $overview: String) {\n    createCourse(title: $title, overview: $overview) {\n      ...CourseSummary\n    }\n  }\n"): (typeof documents)["\n  mutation CreateCourse($title: String!, $overview: String) {\n    createCourse(title: $title, overview: $overview) {\n      ...CourseSummary\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CourseStudents($courseId: ID!) {\n    courseStudents(courseId: $courseId) {\n      id\n      username\n    }\n  }\n"): (typeof documents)["\n  query CourseStudents($courseId: ID!) {\n    courseStudents(courseId: $courseId) {\n      id\n      username\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RemoveStudent($courseId: ID!, $userId: ID!) {\n    removeStudent(courseId: $courseId, userId: $userId) {\n      id\n    }\n  }\n"): (typeof documents)["\n  mutation RemoveStudent($courseId: ID!, $userId: ID!) {\n    removeStudent(courseId: $courseId, userId: $userId) {\n      id\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation LeaveCourse($courseId: ID!) {\n    leaveCourse(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n"): (typeof documents)["\n  mutation LeaveCourse($courseId: ID!) {\n    leaveCourse(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpdateRoomSettings($courseId: ID!, $announcementOnly: Boolean, $slowModeSeconds: Int) {\n    updateRoomSettings(courseId: $courseId, announcementOnly: $announcementOnly, slowModeSeconds: $slowModeSeconds) {\n      id\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n"): (typeof documents)["\n  mutation UpdateRoomSettings($courseId: ID!, $announcementOnly: Boolean, $slowModeSeconds: Int) {\n    updateRoomSettings(courseId: $courseId, announcementOnly: $announcementOnly, slowModeSeconds: $slowModeSeconds) {\n      id\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PresenceUpdates($courseId: ID!) {\n    presenceUpdates(courseId: $courseId, withCurrent: true, batched: true) {\n      kind\n      user {\n        id\n        username\n      }\n      online {\n        id\n        username\n      }\n      joined {\n        id\n        username\n      }\n      left {\n        id\n        username\n      }\n      counts {\n        online\n        students\n        staff\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription PresenceUpdates($courseId: ID!) {\n    presenceUpdates(courseId: $courseId, withCurrent: true, batched: true) {\n      kind\n      user {\n        id\n        username\n      }\n      online {\n        id\n        username\n      }\n      joined {\n        id\n        username\n      }\n      left {\n        id\n        username\n      }\n      counts {\n        online\n        students\n        staff\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription TypingUpdates($courseId: ID!) {\n    typingUpdates(courseId: $courseId) {\n      typing\n      user {\n        id\n        username\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription TypingUpdates($courseId: ID!) {\n    typingUpdates(courseId: $courseId) {\n      typing\n      user {\n        id\n        username\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Typing($courseId: ID!) {\n    typing(courseId: $courseId)\n  }\n"): (typeof documents)["\n  mutation Typing($courseId: ID!) {\n    typing(courseId: $courseId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment QuestionFields on Message {\n    kind\n    anonymous\n    threadRootId\n    replyCount\n    question {\n      status\n      private\n      acceptedAnswerId\n      askedAt\n      waitingSeconds\n    }\n    answer {\n      endorsed\n      accepted\n    }\n  }\n"): (typeof documents)["\n  fragment QuestionFields on Message {\n    kind\n    anonymous\n    threadRootId\n    replyCount\n    question {\n      status\n      private\n      acceptedAnswerId\n      askedAt\n      waitingSeconds\n    }\n    answer {\n      endorsed\n      accepted\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment QueueQuestion on Message {\n    id\n    courseId\n    content\n    sentOn\n    user {\n      id\n      username\n      role\n    }\n    ...QuestionFields\n  }\n"): (typeof documents)["\n  fragment QueueQuestion on Message {\n    id\n    courseId\n    content\n    sentOn\n    user {\n      id\n      username\n      role\n    }\n    ...QuestionFields\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AskQuestion($courseId: ID!, $content: String!, $clientMessageId: String, $anonymous: Boolean, $private: Boolean) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId, kind: QUESTION, anonymous: $anonymous, private: $private) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation AskQuestion($courseId: ID!, $content: String!, $clientMessageId: String, $anonymous: Boolean, $private: Boolean) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId, kind: QUESTION, anonymous: $anonymous, private: $private) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AnswerQuestion($courseId: ID!, $content: String!, $replyToId: ID!, $clientMessageId: String, $anonymous: Boolean) {\n    sendMessage(courseId: $courseId, content: $content, replyToId: $replyToId, clientMessageId: $clientMessageId, anonymous: $anonymous) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation AnswerQuestion($courseId: ID!, $content: String!, $replyToId: ID!, $clientMessageId: String, $anonymous: Boolean) {\n    sendMessage(courseId: $courseId, content: $content, replyToId: $replyToId, clientMessageId: $clientMessageId, anonymous: $anonymous) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EndorseAnswer($messageId: ID!, $endorsed: Boolean!) {\n    endorseAnswer(messageId: $messageId, endorsed: $endorsed) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation EndorseAnswer($messageId: ID!, $endorsed: Boolean!) {\n    endorseAnswer(messageId: $messageId, endorsed: $endorsed) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation AcceptAnswer($messageId: ID!, $accepted: Boolean!) {\n    acceptAnswer(messageId: $messageId, accepted: $accepted) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation AcceptAnswer($messageId: ID!, $accepted: Boolean!) {\n    acceptAnswer(messageId: $messageId, accepted: $accepted) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResolveQuestion($messageId: ID!) {\n    resolveQuestion(messageId: $messageId) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation ResolveQuestion($messageId: ID!) {\n    resolveQuestion(messageId: $messageId) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReopenQuestion($messageId: ID!) {\n    reopenQuestion(messageId: $messageId) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation ReopenQuestion($messageId: ID!) {\n    reopenQuestion(messageId: $messageId) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SimilarQuestions($courseId: ID!, $text: String!, $first: Int) {\n    similarQuestions(courseId: $courseId, text: $text, first: $first) {\n      ...QueueQuestion\n    }\n  }\n"): (typeof documents)["\n  query SimilarQuestions($courseId: ID!, $text: String!, $first: Int) {\n    similarQuestions(courseId: $courseId, text: $text, first: $first) {\n      ...QueueQuestion\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query OpenQuestions($courseId: ID, $first: Int, $after: ID) {\n    openQuestions(courseId: $courseId, first: $first, after: $after) {\n      ...QueueQuestion\n    }\n  }\n"): (typeof documents)["\n  query OpenQuestions($courseId: ID, $first: Int, $after: ID) {\n    openQuestions(courseId: $courseId, first: $first, after: $after) {\n      ...QueueQuestion\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription OpenQuestionsUpdated($courseId: ID) {\n    openQuestionsUpdated(courseId: $courseId) {\n      courseId\n      questionId\n      open\n      question {\n        ...QueueQuestion\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription OpenQuestionsUpdated($courseId: ID) {\n    openQuestionsUpdated(courseId: $courseId) {\n      courseId\n      questionId\n      open\n      question {\n        ...QueueQuestion\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CourseReadState on Course {\n    id\n    unreadCount\n    mentionCount\n    unreadBadge\n    lastReadMessageId\n    firstUnreadMessageId\n    lastActivityAt\n    lastMessage {\n      id\n      content\n      sentOn\n      user {\n        id\n        username\n      }\n    }\n  }\n"): (typeof documents)["\n  fragment CourseReadState on Course {\n    id\n    unreadCount\n    mentionCount\n    unreadBadge\n    lastReadMessageId\n    firstUnreadMessageId\n    lastActivityAt\n    lastMessage {\n      id\n      content\n      sentOn\n      user {\n        id\n        username\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UnreadRooms {\n    myCourses {\n      ...CourseReadState\n    }\n  }\n"): (typeof documents)["\n  query UnreadRooms {\n    myCourses {\n      ...CourseReadState\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription MyRoomsUpdated($after: ID) {\n    myRoomsUpdated(after: $after) {\n      cursor\n      courseId\n      kind\n      unreadCount\n      mentionCount\n      unreadBadge\n      lastReadMessageId\n      firstUnreadMessageId\n      lastActivityAt\n      lastMessage {\n        id\n        content\n        sentOn\n        user {\n          id\n          username\n        }\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription MyRoomsUpdated($after: ID) {\n    myRoomsUpdated(after: $after) {\n      cursor\n      courseId\n      kind\n      unreadCount\n      mentionCount\n      unreadBadge\n      lastReadMessageId\n      firstUnreadMessageId\n      lastActivityAt\n      lastMessage {\n        id\n        content\n        sentOn\n        user {\n          id\n          username\n        }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RoomReadState($id: ID!) {\n    course(id: $id) {\n      ...CourseReadState\n    }\n  }\n"): (typeof documents)["\n  query RoomReadState($id: ID!) {\n    course(id: $id) {\n      ...CourseReadState\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation MarkRead($courseId: ID!, $messageId: ID!) {\n    markRead(courseId: $courseId, messageId: $messageId) {\n      ...CourseReadState\n    }\n  }\n"): (typeof documents)["\n  mutation MarkRead($courseId: ID!, $messageId: ID!) {\n    markRead(courseId: $courseId, messageId: $messageId) {\n      ...CourseReadState\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query FirstUnreadTime($courseId: ID!, $after: ID!) {\n    messages(courseId: $courseId, after: $after, last: 1) {\n      id\n      sentOn\n    }\n  }\n"): (typeof documents)["\n  query FirstUnreadTime($courseId: ID!, $after: ID!) {\n    messages(courseId: $courseId, after: $after, last: 1) {\n      id\n      sentOn\n    }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;