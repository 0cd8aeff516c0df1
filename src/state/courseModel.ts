/**
 * The course's own model (VGG16 for saliency, AlexNet for the studio) without making anyone wait:
 * the lesson starts on the smallest installed model; on request the course's model downloads into
 * the shared model cache in the background (maps and training go on meanwhile), with its size and
 * progress on screen, and the lesson switches to it when it is there. Opt-in, because a hundred
 * students pulling 277 MB each over one lecture-hall Wi-Fi is 27 GB.
 */
import { getClient, loadModel } from './actions';
import { lessonModel, type Lesson } from './lessonModels';
import { notify } from './notify';
import type { ModelIndexEntry } from './slices/models';
import { useStore } from './store';
import { switchStudioModel } from './trainWorker';
import { errorText } from '../lib/errorText';

const set = useStore.setState;
const get = useStore.getState;

function absolute(url: string): string {
  return new URL(url, document.baseURI).href;
}

/** Switch the lesson's screen to an index entry (from the cache after a prefetch: no second download). */
export async function switchTo(lesson: Lesson, m: ModelIndexEntry): Promise<boolean> {
  if (lesson === 'saliency') return loadModel({ kind: 'url', url: m.url, name: m.name }, m.name);
  return switchStudioModel(m);
}

/** Downloads the lesson's course model into the cache, then switches the lesson to it. */
export async function fetchCourseModel(lesson: Lesson): Promise<void> {
  const { course } = lessonModel(get().index, lesson);
  if (!course || get().courseFetch?.state === 'downloading') return;
  set({ courseFetch: { id: course.id, loaded: 0, total: course.bytes, state: 'downloading' } });
  try {
    await getClient().request<'prefetch'>({ type: 'prefetch', url: absolute(course.url) }, (loaded, total) =>
      set({ courseFetch: { id: course.id, loaded, total: total || course.bytes, state: 'downloading' } }),
    );
    set((s) => ({ courseFetch: { id: course.id, loaded: s.courseFetch?.total ?? course.bytes, total: s.courseFetch?.total ?? course.bytes, state: 'ready' } }));
    // Switch now unless the screen is busy with something the switch would interrupt.
    const busy = lesson === 'transfer' ? get().tlStatus !== 'idle' : !!get().loading;
    if (busy) notify(`${course.name} is downloaded: switch to it when you are ready.`);
    else if (await switchTo(lesson, course)) notify(`${course.name}, the course's model, is here: ${lesson === 'saliency' ? 'the maps are now drawn by it' : 'the studio now fine-tunes it'}.`);
  } catch (e) {
    set({ courseFetch: { id: course.id, loaded: 0, total: course.bytes, state: 'error', error: errorText(e) } });
  }
}
