import { graphql } from "../gql";

// What a course list shows of each course.
export const CourseSummaryFragment = graphql(`
  fragment CourseSummary on Course {
    id
    title
    overview
    isMember
    isRemoved
    owner {
      id
      username
    }
  }
`);

export const CoursesDocument = graphql(`
  query Courses {
    courses {
      ...CourseSummary
    }
  }
`);

export const MyCoursesDocument = graphql(`
  query MyCourses {
    myCourses(orderBy: ACTIVITY) {
      ...CourseSummary
      ...CourseReadState
    }
  }
`);

export const CourseDocument = graphql(`
  query Course($id: ID!) {
    course(id: $id) {
      ...CourseSummary
      createdAt
      announcementOnly
      slowModeSeconds
    }
  }
`);

export const EnrollDocument = graphql(`
  mutation Enroll($courseId: ID!) {
    enroll(courseId: $courseId) {
      id
      isMember
    }
  }
`);

export const CreateCourseDocument = graphql(`
  mutation CreateCourse($title: String!, $overview: String) {
    createCourse(title: $title, overview: $overview) {
      ...CourseSummary
    }
  }
`);

export const CourseStudentsDocument = graphql(`
  query CourseStudents($courseId: ID!) {
    courseStudents(courseId: $courseId) {
      id
      username
    }
  }
`);

export const RemoveStudentDocument = graphql(`
  mutation RemoveStudent($courseId: ID!, $userId: ID!) {
    removeStudent(courseId: $courseId, userId: $userId) {
      id
    }
  }
`);

export const LeaveCourseDocument = graphql(`
  mutation LeaveCourse($courseId: ID!) {
    leaveCourse(courseId: $courseId) {
      id
      isMember
    }
  }
`);

export const UpdateRoomSettingsDocument = graphql(`
  mutation UpdateRoomSettings($courseId: ID!, $announcementOnly: Boolean, $slowModeSeconds: Int) {
    updateRoomSettings(courseId: $courseId, announcementOnly: $announcementOnly, slowModeSeconds: $slowModeSeconds) {
      id
      announcementOnly
      slowModeSeconds
    }
  }
`);
