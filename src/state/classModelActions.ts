/** The class-model picture (Simonyan et al. §2): an image optimised to raise one class's score, drawn as it forms. */
import { getClient } from './actions';
import { useStore } from './store';
import { errorText as message } from '../lib/errorText';

const set = useStore.setState;
const get = useStore.getState;

let classModelJob: number | null = null;


export async function startClassModel(classIndex: number, steps = 60): Promise<void> {
  if (classModelJob !== null || !get().current) return;
  const started = getClient().start<'classModel'>(
    { type: 'classModel', params: { classIndex, steps, l2: 0, lr: 0.01, every: 5 } },
    { onFrame: (f) => set({ salClassModel: { running: true, rgba: f.rgba, width: f.width, height: f.height, step: f.step, score: f.score, classIndex } }) },
  );
  classModelJob = started.id;
  set((s) => ({ salClassModel: { ...s.salClassModel, running: true, step: 0, classIndex }, salError: null }));
  try {
    const r = await started.promise;
    set({ salClassModel: { running: false, rgba: r.rgba, width: r.width, height: r.height, step: r.steps, score: r.score, classIndex } });
  } catch (e) {
    set((s) => ({ salClassModel: { ...s.salClassModel, running: false }, salError: message(e) }));
  } finally {
    classModelJob = null;
  }
}

export function stopClassModel(): void {
  if (classModelJob !== null) getClient().cancel(classModelJob);
}
