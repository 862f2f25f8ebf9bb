import { graphql } from "../gql";

export const CoursesDocument = graphql(`
  query Courses {
    courses {
      id
      title
      overview
      isMember
      owner {
        id
        username
      }
    }
  }
`);

export const MyCoursesDocument = graphql(`
  query MyCourses {
    myCourses {
      id
      title
      overview
      isMember
      owner {
        id
        username
      }
    }
  }
`);

export const CourseDocument = graphql(`
  query Course($id: ID!) {
    course(id: $id) {
      id
      title
      overview
      createdAt
      isMember
      announcementOnly
      slowModeSeconds
      owner {
        id
        username
      }
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
      id
      title
      overview
      isMember
      owner {
        id
        username
      }
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
