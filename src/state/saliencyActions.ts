/** Saliency screen actions: images in, maps out, one worker job at a time. */
import type { SaliencyMethod } from '../ml/core/vocab';
import { decodeOffThread } from '../worker/decode/client';
import type { SaliencyParams, SaliencyResult } from '../worker/model/protocol';
import { chooseBackend, getClient, loadModel, onModelLoaded } from './actions';
import { lessonModel } from './lessonModels';
import { samplePhotos } from './modelIndex';
import { afterPaint } from '../lib/afterPaint';
import { notify } from './notify';
import { backendsAfter, isRecoverable } from './recovery';
import { cachedMap, forgetAllMaps, forgetImage, mapKey, rememberMap } from './saliencyCache';
import { useStore, type SalImage, type SaliencySlice } from './store';
import { errorText as message, filesLeftOut } from '../lib/errorText';
import { fetchImageFile } from '../lib/imageLink';

const set = useStore.setState;
const get = useStore.getState;

let job: { id: number; imageId: string; compare?: boolean } | null = null;
/** A compare-strip job is waiting for the page to paint before it starts (runCompare). */
let waitingToPaint = false;
/** The compare strip's methods in its order, for the active image after its own map; computed cheapest first (Grad-CAM waited 2–3 s behind SmoothGrad). */
export const COMPARE_METHODS: SaliencyMethod[] = ['vanilla', 'smoothgrad', 'gradcam'];
const COMPARE_ORDER: SaliencyMethod[] = ['vanilla', 'gradcam', 'smoothgrad'];
let compareQueue: { imageId: string; method: SaliencyMethod }[] = [];

/** Queues the strip's missing methods for the active image (behind any image still waiting for its map). */
function queueCompare(imageId: string): void {
  const have = { ...get().salCompare[imageId] };
  const main = get().salResults[imageId];
  // Maps the strip made before (another method picked and picked back): shown at once.
  let kept = false;
  for (const m of main ? COMPARE_METHODS : []) {
    const hit = have[m] ? undefined : cachedMap(mapKey(imageId, main!.classIndex, compareParams(m)));
    if (hit) [have[m], kept] = [hit, true];
  }
  if (kept) set((st) => ({ salCompare: { ...st.salCompare, [imageId]: have } }));
  compareQueue = [...compareQueue.filter((c) => c.imageId !== imageId), ...COMPARE_ORDER.filter((m) => !have[m]).map((method) => ({ imageId, method }))];
}

/** The strip's SmoothGrad uses fewer samples: it is a preview beside the main map. */
function compareParams(method: SaliencyMethod): SaliencyParams {
  const p = get().salParams;
  return { ...p, method, samples: Math.min(p.samples, 15) };
}

/** A main map arrived (computed, or kept from before): on screen, in the strip, and the strip's other methods queued. */
function showMap(id: string, result: SaliencyResult): void {
  set((st) => ({ salResults: { ...st.salResults, [id]: result }, salCompare: COMPARE_METHODS.includes(result.method) ? { ...st.salCompare, [id]: { ...st.salCompare[id], [result.method]: result } } : st.salCompare }));
  if (id === get().salActive) queueCompare(id);
}
let pending: string[] = [];
let nextImage = 1;
/** The error on screen is about the files given (kept until new files come), not about a map. */
let inputError = false;
/** Bumped when settings change, so a result computed with the old ones is dropped. */
let generation = 0;

/** The model a link asked for, else the lesson's starting model (the smallest installed one that serves it). */
export async function ensureSaliencyModel(): Promise<void> {
  const s = get();
  if (s.current || s.loading || !s.backend || s.index.length === 0) return;
  // A link's model, else the smallest installed one that serves the lesson: never a large download unasked.
  const first = s.index.find((m) => m.id === s.preferredModel) ?? lessonModel(s.index, 'saliency').start ?? s.index[0]!;
  await loadModel({ kind: 'url', url: first.url, name: first.name }, first.name);
}

export async function addImageFiles(files: File[], sample?: string, earlier: string[] = []): Promise<void> {
  const errors = [...earlier];
  const added: SalImage[] = [];
  if (!get().salBusy) set({ salBusy: { imageId: '', done: 0, total: 0, method: '', phase: 'decode' } });
  for (const file of files) {
    try {
      const px = await decodeOffThread(file);
      added.push({ id: `img${nextImage++}`, name: file.name || 'pasted image', width: px.width, height: px.height, pixels: px.data, thumb: URL.createObjectURL(px.thumb ?? file), ...(sample ? { sample } : { file }) });
    } catch (e) {
      errors.push(message(e));
    }
  }
  // Input problems stay on screen while the good images get their maps (a new map clears only map errors).
  inputError = errors.length > 0;
  if (get().salBusy?.phase === 'decode') set({ salBusy: null });
  set({ salError: filesLeftOut(errors) });
  // What was given last takes the place of the images before (a grid comes from several at once).
  if (added.length === 0) return;
  removeAllImages();
  set({ salImages: added, salActive: added[0]!.id });
  pending.push(...added.map((a) => a.id));
  void pump();
}

/** An image given by its address (or several: a pasted list, a grid): a link dropped or pasted on the page, a painting while a fine-tuned model is tried, a sample photo. */
export async function addImageUrl(url: string | string[], name?: string, sample?: string): Promise<void> {
  // Fetching a large photo from another site takes a moment: the decode progress shows meanwhile.
  const mine = !get().salBusy;
  if (mine) set({ salBusy: { imageId: '', done: 0, total: 0, method: '', phase: 'decode' } });
  const got = await Promise.allSettled([url].flat().map((u) => fetchImageFile(u, name)));
  const failed = got.flatMap((g) => (g.status === 'rejected' ? [message(g.reason)] : []));
  const files = got.flatMap((g) => (g.status === 'fulfilled' ? [g.value] : []));
  // addImageFiles keeps the decode progress on and ends it; the links that failed are named with its files left out.
  if (files.length) return addImageFiles(files, sample, failed);
  if (mine && get().salBusy?.phase === 'decode') set({ salBusy: null });
  set({ salError: filesLeftOut(failed) });
}

export async function addSample(name: string): Promise<void> {
  const photo = (await samplePhotos()).find((p) => p.file === name);
  if (photo) await addImageUrl(photo.url, name, name);
  else set({ salError: `there is no sample photo called "${name}"` });
}

export function selectImage(id: string): void {
  set({ salActive: id });
  if (!get().salResults[id]) return enqueue(id, true);
  queueCompare(id);
  void pump();
}

export function removeImage(id: string): void {
  const img = get().salImages.find((i) => i.id === id);
  if (img) URL.revokeObjectURL(img.thumb);
  forgetImage(id);
  if (job?.imageId === id) getClient().cancel(job.id);
  pending = pending.filter((p) => p !== id);
  set((s) => {
    const salImages = s.salImages.filter((i) => i.id !== id);
    const salResults = { ...s.salResults };
    delete salResults[id];
    return { salImages, salResults, salActive: s.salActive === id ? (salImages[0]?.id ?? null) : s.salActive };
  });
}

/** Every image gone: the grid's Remove all, and a new image or batch taking their place. */
export function removeAllImages(): void {
  for (const img of get().salImages) removeImage(img.id);
}

function enqueue(id: string, first = false): void {
  pending = pending.filter((p) => p !== id);
  if (first) pending.unshift(id);
  else pending.push(id);
  void pump();
}

/**
 * Everything computed again: the class, the method or the model changed. The previous maps stay
 * on screen (under a progress overlay) until their replacements arrive.
 */
export function recomputeAll(): void {
  if (job) getClient().cancel(job.id);
  generation++;
  const s = get();
  compareQueue = [];
  set({ salCompare: {} });
  pending = s.salImages.map((i) => i.id);
  if (s.salActive) pending = [s.salActive, ...pending.filter((p) => p !== s.salActive)];
  void pump();
}

async function pump(): Promise<void> {
  // A new image's map goes before the compare strip: a running strip job makes way.
  if (job?.compare && pending.length) getClient().cancel(job.id);
  if (job || waitingToPaint) return;
  const s = get();
  if (!s.current) {
    await ensureSaliencyModel();
    if (!get().current) return;
  }
  const id = pending.shift();
  if (!id) {
    const c = compareQueue.shift();
    if (c) void runCompare(c);
    return;
  }
  const img = get().salImages.find((i) => i.id === id);
  if (!img) return void pump();
  const params = get().salParams;
  const salClass = get().salClass;
  const key = mapKey(id, salClass, params);
  const kept = cachedMap(key);
  if (kept) {
    // As a computed map would: a map error on screen is about an earlier map.
    if (!inputError) set({ salError: null });
    showMap(id, kept);
    return void pump();
  }
  const gen = generation;
  // A copy of the pixels, transferred (not cloned a second time) to the worker.
  const data = img.pixels.slice();
  const started = getClient().start<'saliency'>(
    { type: 'saliency', image: { data, width: img.width, height: img.height }, classIndex: salClass, params },
    { onProgress: (done, total, method) => set({ salBusy: { imageId: id, done, total, method } }), transfer: [data.buffer as ArrayBuffer] },
  );
  job = { id: started.id, imageId: id };
  set({ salBusy: { imageId: id, done: 0, total: 0, method: params.method }, ...(inputError ? {} : { salError: null }) });
  try {
    const result = await started.promise;
    // Kept even when the settings changed meanwhile: it is still the map of the settings it was made with.
    rememberMap([key, mapKey(id, result.classIndex, params)], result);
    if (gen === generation) showMap(id, result);
  } catch (e) {
    // After a switch the model is loaded again, and its listeners recompute every map.
    if (isRecoverable(e) && (await switchBackend(message(e)))) return;
    else if (!/cancelled|restarted/.test(message(e))) {
      inputError = false;
      set({ salError: `${img.name}: ${message(e)}` });
    }
  } finally {
    job = null;
    set({ salBusy: null });
    void pump();
  }
}

/** One map of the compare strip: the active image and class, another method, in the background. */
async function runCompare(c: { imageId: string; method: SaliencyMethod }): Promise<void> {
  // Start after the page has drawn the map just delivered: on two cores the worker's threads
  // would otherwise share the cores with that render and stretch it into a long task.
  const before = generation;
  waitingToPaint = true;
  await afterPaint();
  waitingToPaint = false;
  // A new image, new settings, or a main job a reloading pump started meanwhile go first.
  if (pending.length || generation !== before || job) {
    if (generation === before) compareQueue.unshift(c);
    return void pump();
  }
  const img = get().salImages.find((i) => i.id === c.imageId);
  const main = get().salResults[c.imageId];
  if (!img || !main || get().salCompare[c.imageId]?.[c.method]) return void pump();
  const gen = generation;
  const params = compareParams(c.method);
  const key = mapKey(c.imageId, main.classIndex, params);
  const data = img.pixels.slice();
  const started = getClient().start<'saliency'>({ type: 'saliency', image: { data, width: img.width, height: img.height }, classIndex: main.classIndex, params }, { transfer: [data.buffer as ArrayBuffer] });
  job = { id: started.id, imageId: c.imageId, compare: true };
  try {
    const result = await started.promise;
    rememberMap([key], result);
    if (gen === generation) set((st) => ({ salCompare: { ...st.salCompare, [c.imageId]: { ...st.salCompare[c.imageId], [c.method]: result } } }));
  } catch (e) {
    // Cancelled to let a new image through: ask again later.
    if (/cancelled/.test(message(e)) && gen === generation) compareQueue.push(c);
  } finally {
    job = null;
    void pump();
  }
}

/** The model worker's backend failed (device lost, out of memory): the next backend, the same model. */
async function switchBackend(reason: string): Promise<boolean> {
  const from = get().backend?.name;
  const next = backendsAfter(from)[0];
  if (!next) return false;
  await chooseBackend(next, false);
  const now = get().backend?.name ?? next;
  notify(`Saliency on ${from?.toUpperCase() ?? 'the GPU'} failed (${reason}). Switched to ${now.toUpperCase()} for this session; the map is computed again.`);
  return !!get().current;
}

/** Test hook (window.transferlens.simulateSaliencyDeviceLoss). */
export async function simulateSaliencyDeviceLoss(): Promise<string> {
  return (await getClient().request<'simulateDeviceLoss'>({ type: 'simulateDeviceLoss' })).how;
}

export function cancelSaliency(): void {
  if (job) getClient().cancel(job.id);
  pending = [];
}

export function setSalParams(patch: Partial<SaliencyParams>): void {
  set((s) => ({ salParams: { ...s.salParams, ...patch } }));
  recomputeAll();
}

export function pickClass(index: number | null): void {
  set({ salClass: index });
  recomputeAll();
}

export function setDisplay(patch: Partial<SaliencySlice['salDisplay']>): void {
  set((s) => ({ salDisplay: { ...s.salDisplay, ...patch } }));
}

onModelLoaded(() => {
  forgetAllMaps();
  if (get().salImages.length) recomputeAll();
});

/** Keyboard ←/→: the previous/next image. */
export function stepImage(delta: number): void {
  const { salImages, salActive } = get();
  if (salImages.length === 0) return;
  const i = salImages.findIndex((x) => x.id === salActive);
  const next = salImages[(((i < 0 ? 0 : i + delta) % salImages.length) + salImages.length) % salImages.length]!;
  selectImage(next.id);
}
