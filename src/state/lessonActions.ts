/** One click per lesson: the right screen, a model that is already here, and something to look at. */
import { goTo } from './actions';
import { lessonModel } from './lessonModels';
import { samplePhotos } from './modelIndex';
import { addSample } from './saliencyActions';
import { useStore } from './store';
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

/** The studio on the smallest installed model, with the sample paintings loaded when they are installed. */
export async function startTransferLesson(): Promise<void> {
  const { start } = lessonModel(get().index, 'transfer');
  if (start && !get().tlModel) set({ preferredModel: start.id });
  goTo('transfer');
  await startTransfer();
  if (!get().tlDataset && !get().tlDatasetBusy) await loadSampleDataset();
}
