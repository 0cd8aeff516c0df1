/**
 * Module-level actions (Zustand's "no store actions" pattern): the UI and the worker
 * client call them without hooks. They own the one ModelClient.
 */
import { EMBEDDED_INDEX_URL, MODELS_INDEX_URL, TOP_K } from '../config';
import type { ModelMeta } from '../ml/core/metadata';
import { decodeImageFile } from '../lib/imageFile';
import { ModelClient } from '../worker/model/client';
import type { BackendChoice, ModelSource } from '../worker/model/protocol';
import { mergeIndex } from './modelIndex';
import { modelBusy } from './trainWorker';
import { BACKEND_STORAGE_KEY, useStore, type ModelIndexEntry, type Screen } from './store';
import { errorText as message } from '../lib/errorText';
import { notify } from './notify';

const set = useStore.setState;
const get = useStore.getState;

let client: ModelClient | null = null;
let lastSource: { source: ModelSource; label: string } | null = null;
const modelListeners = new Set<() => void>();
/** Called after every successful model load (the saliency screen recomputes its maps). */
export function onModelLoaded(fn: () => void): () => void {
  modelListeners.add(fn);
  return () => modelListeners.delete(fn);
}


export function getClient(): ModelClient {
  client ??= new ModelClient(onWorkerCrash, modelBusy);
  return client;
}

let crashes: number[] = [];
/**
 * The model worker threw where no request could catch it: its requests failed, and one that
 * never settled would hold every later one (a map then waited forever). Start it again, on
 * the same backend with the last model that loaded, and say so; at most twice a minute, so a
 * worker that cannot start ends in its message instead of a loop.
 */
function onWorkerCrash(msg: string): void {
  set({ backendError: `the model worker stopped: ${msg}`, loading: null, busy: false });
  const now = Date.now();
  crashes = [...crashes.filter((t) => now - t < 60_000), now];
  if (crashes.length > 2) return;
  setTimeout(() => {
    void restartWithLastModel(() => notify(`The model worker stopped (${msg}) and was started again.`));
  }, 0);
}

/** A fresh worker on the chosen backend, then the last model that loaded; `started` runs once the backend is up. */
async function restartWithLastModel(started?: () => void): Promise<void> {
  getClient().restart();
  await startBackend();
  if (get().backendError) return;
  started?.();
  if (lastSource) await loadModel(lastSource.source, lastSource.label);
}

export async function startBackend(): Promise<void> {
  set({ backend: null, backendError: null });
  try {
    const info = await getClient().init(get().backendChoice);
    set({ backend: info });
    void refreshMemory();
    void refreshCacheSize();
  } catch (e) {
    set({ backendError: message(e) });
  }
}

/** Switch backend: a fresh worker, then the current model again. `persist: false` for an automatic switch. */
export async function chooseBackend(choice: BackendChoice, persist = true): Promise<void> {
  try {
    if (!persist) {
      /* this session only */
    } else if (choice === 'auto') localStorage.removeItem(BACKEND_STORAGE_KEY);
    else localStorage.setItem(BACKEND_STORAGE_KEY, choice);
  } catch {
    /* not persisted, still applied */
  }
  set({ backendChoice: choice, current: null, predictions: null });
  await restartWithLastModel();
}

export async function refreshMemory(): Promise<void> {
  if (!get().backend) return;
  try {
    set({ memory: await getClient().request<'memory'>({ type: 'memory' }) });
  } catch {
    /* the chip just keeps the last value */
  }
}

export async function refreshCacheSize(): Promise<void> {
  try {
    const entries = await getClient().request<'listCache'>({ type: 'listCache' });
    set({ cacheBytes: entries.reduce((a, e) => a + e.bytes, 0) });
  } catch {
    set({ cacheBytes: null });
  }
}

export async function clearModelCache(): Promise<void> {
  try {
    await getClient().request<'clearCache'>({ type: 'clearCache' });
  } finally {
    await refreshCacheSize();
  }
}

/** models/index.json (what `npm run assets` installed) and the embedded default, installed first. */
export async function loadIndex(): Promise<void> {
  set({ indexState: 'loading', indexError: null });
  const [installed, embedded] = await Promise.all([fetchIndex(MODELS_INDEX_URL), fetchIndex(EMBEDDED_INDEX_URL)]);
  const index = mergeIndex(installed.models, embedded.models);
  const failed = [installed, embedded].find((r) => r.error);
  if (index.length) set({ index, indexState: 'ready' });
  else if (failed) set({ index: [], indexState: 'error', indexError: failed.error! });
  else set({ index: [], indexState: 'missing' });
}

async function fetchIndex(url: string): Promise<{ models: ModelIndexEntry[]; error?: string }> {
  try {
    const res = await fetch(url, { cache: 'no-cache' });
    if (res.status === 404) return { models: [] };
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const json = (await res.json()) as { models?: ModelIndexEntry[] };
    return { models: Array.isArray(json.models) ? json.models.filter((m) => typeof m.url === 'string' && typeof m.name === 'string') : [] };
  } catch (e) {
    return { models: [], error: `${url} could not be read: ${message(e)}` };
  }
}

export async function loadModel(source: ModelSource, label: string): Promise<boolean> {
  if (get().loading) return false;
  set({ loading: { label, loaded: 0, total: 0, phase: 'start' }, loadError: null });
  // The worker would resolve a relative URL against its own script; resolve it against the page.
  if (source.kind === 'url') {
    try {
      source = { ...source, url: new URL(source.url, document.baseURI).href };
    } catch {
      set({ loading: null, loadError: `"${source.url}" is not a valid URL` });
      return false;
    }
  }
  try {
    const info = await getClient().request<'loadModel'>({ type: 'loadModel', source, useCache: true }, (loaded, total, phase) =>
      set({ loading: { label, loaded, total, phase } }),
    );
    const origin = source.kind === 'url' ? source.url : `${source.files.length} local files`;
    // Picked files are named after model.json's file name, which is nearly always "model": say the model's own name when it has one.
    if (source.kind === 'files' && /^model$/i.test(label) && info.metaFromFile && info.meta.name) label = info.meta.name;
    set({ current: { label, origin, info }, loading: null, predictions: null, classifyError: null, salResults: {}, salCompare: {}, salClass: null });
    for (const l of modelListeners) l();
    lastSource = { source, label };
    void refreshMemory();
    void refreshCacheSize();
    return true;
  } catch (e) {
    set({ loading: null, loadError: message(e) });
    return false;
  }
}

export async function updateMeta(patch: Partial<ModelMeta>): Promise<void> {
  const cur = get().current;
  if (!cur) return;
  try {
    const meta = await getClient().request<'updateMeta'>({ type: 'updateMeta', patch });
    set({ current: { ...cur, info: { ...cur.info, meta } }, predictions: null });
  } catch (e) {
    set({ loadError: message(e) });
  }
}

export async function classifyFile(file: File): Promise<void> {
  const old = get().imageUrl;
  if (old) URL.revokeObjectURL(old);
  set({ busy: true, classifyError: null, imageName: file.name, imageUrl: URL.createObjectURL(file) });
  try {
    const image = await decodeImageFile(file);
    const { top, ms } = await getClient().request<'classify'>({ type: 'classify', image, topK: TOP_K }, undefined, [image.data.buffer]);
    set({ predictions: top, classifyMs: ms, busy: false });
    void refreshMemory();
  } catch (e) {
    set({ classifyError: message(e), predictions: null, busy: false });
  }
}

/** The URL and the stored settings follow the store (classroomActions.startClassroom). */
export function goTo(screen: Screen): void {
  set({ screen });
}
