/**
 * The first screen: the two lessons, one click each. Each card says which model it will use (the
 * smallest installed one that serves the lesson, so the first click never waits on a big download)
 * and what the course's own model would cost.
 */
import { formatBytes, withNote } from '../../lib/format';
import { startSaliencyLesson, startTransferLesson } from '../../state/lessonActions';
import { useStore } from '../../state/store';
import { lessonModel } from '../../state/lessonModels';

export function Home() {
  const index = useStore((s) => s.index);
  const sal = lessonModel(index, 'saliency');
  const tl = lessonModel(index, 'transfer');
  const lecture = useStore((s) => s.lecture);
  return (
    <section className="lessons" aria-label="Lessons">
      <button type="button" className="lesson" data-testid="lesson-saliency" onClick={() => void startSaliencyLesson()} disabled={!sal.start}>
        <span className="lesson-title">Saliency maps</span>
        <span>Which pixels does the network's decision depend on? A photo, its class, and |∂S_c/∂I| drawn over it (Simonyan et al., 2014).</span>
        <span className="lesson-model">{describe(sal, lecture)}</span>
        {sal.start && <span className="lesson-go" aria-hidden="true">Start →</span>}
      </button>
      <button type="button" className="lesson" data-testid="lesson-transfer" onClick={() => void startTransferLesson()} disabled={!tl.start}>
        <span className="lesson-title">Transfer learning</span>
        <span>Keep an ImageNet network's trunk, give it a new head, and teach it painting styles, with live curves.</span>
        <span className="lesson-model">{describe(tl, lecture)}</span>
        {tl.start && <span className="lesson-go" aria-hidden="true">Start →</span>}
      </button>
    </section>
  );
}

function describe(m: ReturnType<typeof lessonModel>, lecture: boolean): string {
  if (!m.start) return 'No model installed yet: see the Models page.';
  const start = `Starts on ${withNote(m.start.name, `${formatBytes(m.start.bytes)}${m.start.embedded ? ', built in' : ''}`)}.`;
  // Said for the student: the command is for whoever hosts this copy, and not for a projector.
  if (!m.course) return lecture ? start : `${start} The course's ${m.courseName} is not part of this copy (whoever hosts it can add it with npm run assets).`;
  if (m.course.id === m.start.id) return start;
  return `${start} The course's ${withNote(m.course.name, formatBytes(m.course.bytes))} downloads in the background from the lesson's page when you ask (nothing is fetched unasked).`;
}
