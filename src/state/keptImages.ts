/**
 * The user's own images survive a reload: while they are on the saliency screen their files are
 * kept in IndexedDB (idb-keyval, as the runs are), and given again on the next visit to the screen.
 * A sample is not kept: the link's ?sample= brings it back. Before, a reload emptied the screen
 * without a word ("The map and the network's top-5 appear here…").
 */
import { del, get as idbGet, set as idbSet } from 'idb-keyval';
import { formatBytes } from '../lib/format';
import { notify } from './notify';
import { addImageFiles } from './saliencyActions';
import { useStore } from './store';
import type { SalImage } from './slices/saliency';

const KEY = 'transferlens.salImages';
/** More than this is not kept (the origin's quota is shared with the models and the feature cache). */
export const KEEP_MAX_BYTES = 64e6;

export interface KeptImage {
  name: string;
  file: Blob;
}

/** What a reload should give back: the user's own images (not samples), or none when they are over `max` bytes in all (`over`: their size then, else 0). */
export function toKeep(images: readonly Pick<SalImage, 'name' | 'sample' | 'file'>[], max = KEEP_MAX_BYTES): { keep: KeptImage[]; over: number } {
  const own = images.filter((i) => !i.sample && i.file).map((i) => ({ name: i.name, file: i.file! }));
  const bytes = own.reduce((n, i) => n + i.file.size, 0);
  return bytes <= max ? { keep: own, over: 0 } : { keep: [], over: bytes };
}

let restored = false;
let saving: Promise<unknown> = Promise.resolve();
/** What IndexedDB holds now (names and sizes): the images a reload gave back are not written again (up to 64 MB on every reload). */
let stored: string | null = null; // unknown until read or written
const signature = (list: readonly KeptImage[]) => list.map((k) => `${k.name}:${k.file.size}`).join('\n');

/** The images a reload left, given again; once per page, and only where the screen is still empty. */
async function restore(): Promise<void> {
  restored = true;
  let kept: KeptImage[] | undefined;
  try {
    kept = await idbGet<KeptImage[]>(KEY);
  } catch {
    return; // storage blocked (a private window): nothing was kept
  }
  if (!kept?.length || useStore.getState().salImages.length) return;
  stored = signature(kept);
  await addImageFiles(kept.map((k) => new File([k.file], k.name, { type: k.file.type })));
}

/**
 * Keeps the screen's images from now on, and gives back the last visit's the first time the
 * saliency screen shows (`restore` false: a link asked for a sample, which takes their place).
 */
export function keepImages(restoreKept: boolean): void {
  restored = !restoreKept;
  if (!restored && useStore.getState().screen === 'saliency') void restore();
  useStore.subscribe((s, prev) => {
    if (!restored && s.screen === 'saliency') void restore();
    if (s.salImages === prev.salImages) return;
    const ids = (list: readonly SalImage[]) => list.map((i) => i.id).join();
    if (ids(s.salImages) === ids(prev.salImages)) return; // the same images
    // A fine-tuned model's paintings (Try it) are not kept: after a reload the ImageNet model would map them.
    const { keep, over } = s.salSampleSet ? { keep: [], over: 0 } : toKeep(s.salImages);
    // Said, not left to a reload to find out.
    if (over) notify(`These photos (${formatBytes(over)}) are more than the ${formatBytes(KEEP_MAX_BYTES)} kept for a reload: after one, give them again`);
    if (signature(keep) === stored) return;
    stored = signature(keep);
    saving = saving.then(() => (keep.length ? idbSet(KEY, keep) : del(KEY))).catch(() => undefined);
  });
}
