/**
 * "Try it": the fine-tuned model (best epoch) goes to the model worker, the saliency screen offers
 * held-back paintings of the dataset as its samples, and one click goes back to the ImageNet model.
 */
import { strategyLabel } from '../ml/core/vocab';
import { goTo, loadModel } from './actions';
import { lessonModel } from './lessonModels';
import { addImageUrl } from './saliencyActions';
import { useStore } from './store';
import { message, need } from './trainWorker';

const set = useStore.setState;
const get = useStore.getState;

export async function tryFineTuned(): Promise<void> {
  try {
    const { files } = await need().request<'export'>({ type: 'export', which: 'best' });
    const run = get().tlRuns.at(-1);
    const label = run ? `${run.model} fine-tuned (${strategyLabel(run.strategy, get().tlModel?.classifierLayers ?? [], true)})` : 'fine-tuned model';
    const asFiles = files.map((f) => new File([f.bytes as BlobPart], f.name));
    const ds = get().tlDataset;
    const thumbs = get().tlThumbs;
    // Paintings to try it on: held-back ones (the validation split, never trained on), two per style.
    const items = (ds?.heldOut ?? []).filter((x) => thumbs[x.source]).map((x) => ({ name: `${ds!.classes[x.label]} · ${x.source.split('/').pop()}`, url: thumbs[x.source]!, truth: ds!.classes[x.label] }));
    set({ salSampleSet: items.length ? { label: `Held-back paintings of ${ds?.name ?? 'the dataset'} (not trained on)`, items } : null });
    goTo('saliency');
    await loadModel({ kind: 'files', files: asFiles }, label);
    // "Try it" shows it at once: the first held-back painting gets its prediction and map.
    const first = items[0];
    if (first && /fine-tuned/.test(get().current?.label ?? '')) await addImageUrl(first.url, first.name);
  } catch (e) {
    set({ tlError: message(e) });
  }
}

/** Back from a fine-tuned model to the ImageNet one the lesson uses, with the sample photos. */
export async function backToImageNet(): Promise<void> {
  const m = lessonModel(get().index, 'saliency').start;
  set({ salSampleSet: null });
  if (m) await loadModel({ kind: 'url', url: m.url, name: m.name }, m.name);
}
