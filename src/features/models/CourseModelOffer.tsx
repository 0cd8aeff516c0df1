/**
 * The course's own model for a lesson, offered without a wait: its size, a background download
 * into the model cache with progress (the lesson goes on meanwhile), and the switch when it is
 * there. Nothing downloads until someone asks (a lecture hall shares one Wi-Fi).
 */
import { formatBytes } from '../../lib/format';
import { fetchCourseModel, switchTo } from '../../state/courseModel';
import { lessonModel, type Lesson } from '../../state/lessonModels';
import { useStore } from '../../state/store';

export function CourseModelOffer({ lesson }: { lesson: Lesson }) {
  const index = useStore((s) => s.index);
  const indexState = useStore((s) => s.indexState);
  const fetchState = useStore((s) => s.courseFetch);
  const onArch = useStore((s) => (lesson === 'saliency' ? s.current?.info.meta.arch : s.tlModel?.arch));
  const fineTuned = useStore((s) => lesson === 'saliency' && !!s.current && /fine-tuned/.test(s.current.label));
  const busy = useStore((s) => (lesson === 'saliency' ? !!s.loading : s.tlStatus !== 'idle' || !s.tlModel));
  const { course, courseArch, courseName: name } = lessonModel(index, lesson);
  if (fineTuned || indexState !== 'ready' || onArch === courseArch) return null;
  // A note for whoever hosts this copy, not for the projector (lecture mode hides it).
  if (!course) return <span className="small secondary"> · the course uses {name}, not part of this copy (whoever hosts it can add it with npm run assets)</span>;
  const f = fetchState?.id === course.id ? fetchState : null;
  if (f?.state === 'downloading')
    return (
      <span className="course-progress" data-testid="course-progress" aria-live="polite">
        {' '}
        <progress max={f.total || 1} value={f.loaded} aria-label={`${course.name} download`} /> {course.name}: {formatBytes(f.loaded)} of {formatBytes(f.total)} — the lesson
        goes on meanwhile
      </span>
    );
  if (f?.state === 'ready')
    return (
      <>
        {' '}
        <button type="button" className="link" data-testid="use-course-model" disabled={busy} onClick={() => void switchTo(lesson, course)}>
          Switch to {course.name} (downloaded)
        </button>
      </>
    );
  return (
    <>
      {' '}
      <button type="button" className="link" data-testid="course-fetch" onClick={() => void fetchCourseModel(lesson)}>
        Get the course's {course.name} ({formatBytes(course.bytes)}) in the background
      </button>
      {f?.state === 'error' && (
        <span className="error" role="alert">
          {' '}
          {course.name} could not be downloaded: {f.error}
        </span>
      )}
    </>
  );
}
