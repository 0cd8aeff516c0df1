/**
 * The samples the saliency screen offers, one list whichever they are: the held-back paintings of a
 * fine-tuned model (Try it) when it is loaded, else the embedded sample photos. The strip shows it and
 * ←/→ step through it (with one image or none), so both always agree on what comes next.
 */
import type { SamplePhoto } from './modelIndex';
import { addSample, addImageUrl } from './saliencyActions';
import type { SaliencySlice } from './slices/saliency';

export interface OfferedSample {
  name: string;
  url: string;
  /** The tooltip and the alt text: the photo's subject, or the painting's file name. */
  title: string;
  testId?: string;
  add: () => Promise<void>;
}

export function samplesOnOffer(set: SaliencySlice['salSampleSet'], photos: readonly SamplePhoto[]): OfferedSample[] {
  if (set) return set.items.map((i) => ({ name: i.name, url: i.url, title: i.name, add: () => addImageUrl(i.url, i.name) }));
  return photos.map((p) => ({ name: p.file, url: p.url, title: p.subject, testId: `sample-${p.file}`, add: () => addSample(p.file) }));
}
