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
