/** One click per lesson: the right screen, a model that is already here, and something to look at. */
import { afterPaint } from '../lib/afterPaint';
import { showTrain } from '../lib/showOnPage';
import { goTo } from './actions';
import { lessonModel } from './lessonModels';
import { samplePhotos } from './modelIndex';
import { addSample } from './saliencyActions';
import { useStore } from './store';
import { trainBlocker } from './trainBlocker';
import { loadSampleDataset, startTransfer } from './transferActions';

const set = useStore.setState;
const get = useStore.getState;

/** The saliency screen on the smallest installed model, with the first sample photo mapped. */
export async function startSaliencyLesson(): Promise<void> {
  const { start } = lessonModel(get().index, 'saliency');
  if (start && !get().current && !get().loading) set({ preferredModel: start.id });
  goTo('saliency');
  if (get().salImages.length === 0) {
    const first = (await samplePhotos())[0];
    if (first) await addSample(first.file);
  }
}

/**
 * The studio on the smallest installed model, with the sample paintings loaded when they are
 * installed; then the next click trains: the Train button is brought into view and focused.
 */
export async function startTransferLesson(): Promise<void> {
  const { start } = lessonModel(get().index, 'transfer');
  if (start && !get().tlModel) set({ preferredModel: start.id });
  goTo('transfer');
  await startTransfer();
  if (!get().tlDataset && !get().tlDatasetBusy) await loadSampleDataset();
  if (get().tlStatus === 'idle') await whenTrainReady(10_000).then((ready) => ready && afterPaint().then(showTrain));
}

/** Resolves true once Train can start (the surgery plan may still be on its way), false after `ms`. */
function whenTrainReady(ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (trainBlocker(get()) === null) return resolve(true);
    const stop = (ok: boolean) => {
      unsubscribe();
      clearTimeout(timer);
      resolve(ok);
    };
    const unsubscribe = useStore.subscribe((s) => trainBlocker(s) === null && stop(true));
    const timer = setTimeout(() => stop(false), ms);
  });
}
