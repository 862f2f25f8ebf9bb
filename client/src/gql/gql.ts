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
    "\n  fragment ChatMessage on Message {\n    id\n    courseId\n    content\n    sentOn\n    user {\n      id\n      username\n    }\n  }\n": typeof types.ChatMessageFragmentDoc,
    "\n  query Messages($courseId: ID!, $last: Int, $before: ID) {\n    messages(courseId: $courseId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n": typeof types.MessagesDocument,
    "\n  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId) {\n      ...ChatMessage\n    }\n  }\n": typeof types.SendMessageDocument,
    "\n  subscription RoomEvents($courseId: ID!, $after: ID) {\n    roomEvents(courseId: $courseId, after: $after) {\n      kind\n      messageId\n      message {\n        ...ChatMessage\n      }\n    }\n  }\n": typeof types.RoomEventsDocument,
    "\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      id\n      deletedAt\n      deletedBy {\n        id\n        username\n      }\n    }\n  }\n": typeof types.DeleteMessageDocument,
    "\n  fragment CourseSummary on Course {\n    id\n    title\n    overview\n    isMember\n    owner {\n      id\n      username\n    }\n  }\n": typeof types.CourseSummaryFragmentDoc,
    "\n  query Courses {\n    courses {\n      ...CourseSummary\n    }\n  }\n": typeof types.CoursesDocument,
    "\n  query MyCourses {\n    myCourses {\n      ...CourseSummary\n    }\n  }\n": typeof types.MyCoursesDocument,
    "\n  query Course($id: ID!) {\n    course(id: $id) {\n      ...CourseSummary\n      createdAt\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n": typeof types.CourseDocument,
    "\n  mutation Enroll($courseId: ID!) {\n    enroll(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n": typeof types.EnrollDocument,
    "\n  mutation CreateCourse($title: String!, $overview: String) {\n    createCourse(title: $title, overview: $overview) {\n      ...CourseSummary\n    }\n  }\n": typeof types.CreateCourseDocument,
    "\n  query CourseStudents($courseId: ID!) {\n    courseStudents(courseId: $courseId) {\n      id\n      username\n    }\n  }\n": typeof types.CourseStudentsDocument,
    "\n  mutation RemoveStudent($courseId: ID!, $userId: ID!) {\n    removeStudent(courseId: $courseId, userId: $userId) {\n      id\n    }\n  }\n": typeof types.RemoveStudentDocument,
    "\n  mutation LeaveCourse($courseId: ID!) {\n    leaveCourse(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n": typeof types.LeaveCourseDocument,
    "\n  mutation UpdateRoomSettings($courseId: ID!, $announcementOnly: Boolean, $slowModeSeconds: Int) {\n    updateRoomSettings(courseId: $courseId, announcementOnly: $announcementOnly, slowModeSeconds: $slowModeSeconds) {\n      id\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n": typeof types.UpdateRoomSettingsDocument,
};
const documents: Documents = {
    "\n  query AdminMessages($filter: MessageFilter, $first: Int, $after: ID) {\n    adminMessages(filter: $filter, first: $first, after: $after) {\n      totalCount\n      endCursor\n      hasNextPage\n      nodes {\n        id\n        content\n        sentOn\n        deletedAt\n        course {\n          id\n          title\n        }\n        user {\n          id\n          username\n        }\n        deletedBy {\n          id\n          username\n        }\n      }\n    }\n  }\n": types.AdminMessagesDocument,
    "\n  mutation Login($username: String!, $password: String!) {\n    login(username: $username, password: $password) {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n": types.LoginDocument,
    "\n  mutation Register($username: String!, $password: String!) {\n    register(username: $username, password: $password) {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n": types.RegisterDocument,
    "\n  mutation RefreshToken {\n    refreshToken {\n      token\n      user {\n        id\n        username\n        role\n      }\n    }\n  }\n": types.RefreshTokenDocument,
    "\n  fragment ChatMessage on Message {\n    id\n    courseId\n    content\n    sentOn\n    user {\n      id\n      username\n    }\n  }\n": types.ChatMessageFragmentDoc,
    "\n  query Messages($courseId: ID!, $last: Int, $before: ID) {\n    messages(courseId: $courseId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n": types.MessagesDocument,
    "\n  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId) {\n      ...ChatMessage\n    }\n  }\n": types.SendMessageDocument,
    "\n  subscription RoomEvents($courseId: ID!, $after: ID) {\n    roomEvents(courseId: $courseId, after: $after) {\n      kind\n      messageId\n      message {\n        ...ChatMessage\n      }\n    }\n  }\n": types.RoomEventsDocument,
    "\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      id\n      deletedAt\n      deletedBy {\n        id\n        username\n      }\n    }\n  }\n": types.DeleteMessageDocument,
    "\n  fragment CourseSummary on Course {\n    id\n    title\n    overview\n    isMember\n    owner {\n      id\n      username\n    }\n  }\n": types.CourseSummaryFragmentDoc,
    "\n  query Courses {\n    courses {\n      ...CourseSummary\n    }\n  }\n": types.CoursesDocument,
    "\n  query MyCourses {\n    myCourses {\n      ...CourseSummary\n    }\n  }\n": types.MyCoursesDocument,
    "\n  query Course($id: ID!) {\n    course(id: $id) {\n      ...CourseSummary\n      createdAt\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n": types.CourseDocument,
    "\n  mutation Enroll($courseId: ID!) {\n    enroll(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n": types.EnrollDocument,
    "\n  mutation CreateCourse($title: String!, $overview: String) {\n    createCourse(title: $title, overview: $overview) {\n      ...CourseSummary\n    }\n  }\n": types.CreateCourseDocument,
    "\n  query CourseStudents($courseId: ID!) {\n    courseStudents(courseId: $courseId) {\n      id\n      username\n    }\n  }\n": types.CourseStudentsDocument,
    "\n  mutation RemoveStudent($courseId: ID!, $userId: ID!) {\n    removeStudent(courseId: $courseId, userId: $userId) {\n      id\n    }\n  }\n": types.RemoveStudentDocument,
    "\n  mutation LeaveCourse($courseId: ID!) {\n    leaveCourse(courseId: $courseId) {\n      id\n      isMember\n    }\n  }\n": types.LeaveCourseDocument,
    "\n  mutation UpdateRoomSettings($courseId: ID!, $announcementOnly: Boolean, $slowModeSeconds: Int) {\n    updateRoomSettings(courseId: $courseId, announcementOnly: $announcementOnly, slowModeSeconds: $slowModeSeconds) {\n      id\n      announcementOnly\n      slowModeSeconds\n    }\n  }\n": types.UpdateRoomSettingsDocument,
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
export function graphql(source: "\n  fragment ChatMessage on Message {\n    id\n    courseId\n    content\n    sentOn\n    user {\n      id\n      username\n    }\n  }\n"): (typeof documents)["\n  fragment ChatMessage on Message {\n    id\n    courseId\n    content\n    sentOn\n    user {\n      id\n      username\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Messages($courseId: ID!, $last: Int, $before: ID) {\n    messages(courseId: $courseId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  query Messages($courseId: ID!, $last: Int, $before: ID) {\n    messages(courseId: $courseId, last: $last, before: $before) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId) {\n      ...ChatMessage\n    }\n  }\n"): (typeof documents)["\n  mutation SendMessage($courseId: ID!, $content: String!, $clientMessageId: String) {\n    sendMessage(courseId: $courseId, content: $content, clientMessageId: $clientMessageId) {\n      ...ChatMessage\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RoomEvents($courseId: ID!, $after: ID) {\n    roomEvents(courseId: $courseId, after: $after) {\n      kind\n      messageId\n      message {\n        ...ChatMessage\n      }\n    }\n  }\n"): (typeof documents)["\n  subscription RoomEvents($courseId: ID!, $after: ID) {\n    roomEvents(courseId: $courseId, after: $after) {\n      kind\n      messageId\n      message {\n        ...ChatMessage\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      id\n      deletedAt\n      deletedBy {\n        id\n        username\n      }\n    }\n  }\n"): (typeof documents)["\n  mutation DeleteMessage($messageId: ID!) {\n    deleteMessage(messageId: $messageId) {\n      id\n      deletedAt\n      deletedBy {\n        id\n        username\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment CourseSummary on Course {\n    id\n    title\n    overview\n    isMember\n    owner {\n      id\n      username\n    }\n  }\n"): (typeof documents)["\n  fragment CourseSummary on Course {\n    id\n    title\n    overview\n    isMember\n    owner {\n      id\n      username\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Courses {\n    courses {\n      ...CourseSummary\n    }\n  }\n"): (typeof documents)["\n  query Courses {\n    courses {\n      ...CourseSummary\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MyCourses {\n    myCourses {\n      ...CourseSummary\n    }\n  }\n"): (typeof documents)["\n  query MyCourses {\n    myCourses {\n      ...CourseSummary\n    }\n  }\n"];
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

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;