import { useMutation } from "@apollo/client/react";
import { useId, useState, type FormEvent } from "react";
import { useUser } from "../auth/session";
import { describeError } from "../errors";
import { navigate } from "../router";
import { CreateCourseDocument } from "./operations";

export function CreateCoursePage() {
  const user = useUser();
  const [create, { loading }] = useMutation(CreateCourseDocument);
  const [error, setError] = useState<string | null>(null);
  const ids = { title: useId(), overview: useId() };

  if (user.role === "Student") {
    return (
      <main>
        <h1>New course</h1>
        <p role="alert">Only instructors and staff can create courses.</p>
      </main>
    );
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      const result = await create({
        variables: { title: String(form.get("title")).trim(), overview: String(form.get("overview")).trim() },
      });
      const id = result.data?.createCourse.id;
      if (id) navigate(`/courses/${id}`);
    } catch (caught) {
      setError(describeError(caught));
    }
  }

  return (
    <main>
      <h1>New course</h1>
      <form onSubmit={submit} className="stack">
        <label htmlFor={ids.title}>Title</label>
        <input id={ids.title} name="title" required maxLength={200} />
        <label htmlFor={ids.overview}>Overview</label>
        <textarea id={ids.overview} name="overview" rows={4} />
        <div role="alert" className="error">
          {error}
        </div>
        <button type="submit" disabled={loading}>
          Create course
        </button>
      </form>
    </main>
  );
}
