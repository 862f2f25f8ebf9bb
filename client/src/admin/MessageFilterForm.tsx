import { useQuery } from "@apollo/client/react";
import { useId, useState, type FormEvent } from "react";
import { useUser } from "../auth/session";
import { CoursesDocument, MyCoursesDocument } from "../courses/operations";
import type { AdminFilter } from "./filter";

/** Staff pick from every course; instructors from the courses they teach. */
function useCourseOptions(): { id: string; title: string }[] {
  const user = useUser();
  const staff = user.role === "Staff";
  const all = useQuery(CoursesDocument, { skip: !staff });
  const mine = useQuery(MyCoursesDocument, { skip: staff, fetchPolicy: "network-only" });
  if (staff) return all.data?.courses ?? [];
  return (mine.data?.myCourses ?? []).filter((course) => course.owner.id === user.id);
}

interface Props {
  applied: AdminFilter;
  onApply: (filter: AdminFilter) => void;
}

export function MessageFilterForm({ applied, onApply }: Props) {
  const courses = useCourseOptions();
  const [draft, setDraft] = useState(applied);
  const ids = { course: useId(), from: useId(), to: useId(), search: useId(), deleted: useId() };
  const set = <K extends keyof AdminFilter>(key: K, value: AdminFilter[K]) => setDraft((d) => ({ ...d, [key]: value }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    // The user chip is applied on its own; keep whatever it is now.
    onApply({ ...draft, user: applied.user });
  }

  return (
    <form className="filters" onSubmit={submit} aria-label="Filter messages">
      <div className="field">
        <label htmlFor={ids.course}>Course</label>
        <select id={ids.course} value={draft.courseId} onChange={(e) => set("courseId", e.target.value)}>
          <option value="">All courses</option>
          {courses.map((course) => (
            <option key={course.id} value={course.id}>
              {course.title}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={ids.from}>Sent from</label>
        <input id={ids.from} type="date" value={draft.from} max={draft.to || undefined} onChange={(e) => set("from", e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={ids.to}>Sent to</label>
        <input id={ids.to} type="date" value={draft.to} min={draft.from || undefined} onChange={(e) => set("to", e.target.value)} />
      </div>
      <div className="field grow">
        <label htmlFor={ids.search}>Search</label>
        <input id={ids.search} type="search" value={draft.search} onChange={(e) => set("search", e.target.value)} maxLength={200} />
      </div>
      <div className="check">
        <input id={ids.deleted} type="checkbox" checked={draft.includeDeleted} onChange={(e) => set("includeDeleted", e.target.checked)} />
        <label htmlFor={ids.deleted}>Include deleted</label>
      </div>
      <button type="submit">Apply filters</button>
    </form>
  );
}
