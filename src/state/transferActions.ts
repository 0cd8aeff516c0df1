/**
 * Transfer-learning studio actions: the dataset, the strategy and recipe, a training run with
 * its live events (coalesced), saved runs in IndexedDB, export and "Try it". The worker's life
 * and failover are in trainWorker.ts.
 */
import { set as idbSet } from 'idb-keyval';
import { PROBE_LAYERS, strategyLabel, type Strategy } from '../ml/core/vocab';
import type { TrainConfig } from '../ml/core/vocab';
import type { DatasetSource } from '../worker/train/protocol';
import { BACKEND_FALLBACK, isRecoverable } from './recovery';
import { formatBytes } from '../lib/format';
import { download, runsCsv } from './downloads';
import { progressNow } from './progress';
import { notify } from './notify';
import { localFile, setLocalFiles } from './itemUrls';
import { message, moveToNextBackend, need, RUNS_KEY, session, startTransfer as startWorker } from './trainWorker';

export { imageUrl } from './itemUrls';
export { RUNS_KEY, simulateDeviceLoss, trainingBackend, trainMemory } from './trainWorker';

/** Opens the studio: the worker, the model, saved runs; then the plan and cache status. */
export function startTransfer(): Promise<void> {
  return startWorker(() => {
    void refreshPlan();
    void refreshCache();
  });
}
import { useStore } from './store';
import type { SavedRun } from './slices/transfer';
import { bufferBatch, bufferEpoch, flush } from './liveBuffer';

const set = useStore.setState;
const get = useStore.getState;

export async function refreshPlan(): Promise<void> {
  if (!get().tlModel) return;
  try {
    set({ tlPlan: await need().request<'plan'>({ type: 'plan', strategy: get().tlStrategy, unfreezeBlock: !!get().tlConfig.unfreezeBlock }) });
  } catch (e) {
    set({ tlPlan: { rows: [], error: message(e) } });
  }
}

export async function refreshCache(): Promise<void> {
  try {
    set({ tlCache: await need().request<'cacheInfo'>({ type: 'cacheInfo' }) });
  } catch {
    set({ tlCache: null });
  }
}

export async function clearFeatureCache(): Promise<void> {
  await need().request<'clearCache'>({ type: 'clearCache' }).catch(() => undefined);
  await refreshCache();
}

async function loadDataset(source: DatasetSource, thumbs: (s: string) => string | undefined): Promise<void> {
  set({ tlDatasetBusy: true, tlDatasetError: null });
  try {
    const summary = await need().request<'loadDataset'>({ type: 'loadDataset', source, valFraction: get().tlValFraction, seed: get().tlConfig.seed });
    session.datasetSource = source;
    const map: Record<string, string> = {};
    for (const s of [...summary.samples, ...summary.heldOut]) {
      const url = thumbs(s.source);
      if (url) map[s.source] = url;
    }
    for (const u of Object.values(get().tlThumbs)) if (u.startsWith('blob:')) URL.revokeObjectURL(u);
    set({ tlDataset: summary, tlThumbs: map, tlDatasetBusy: false, tlCell: null });
    void refreshPlan();
  } catch (e) {
    set({ tlDatasetBusy: false, tlDatasetError: message(e) });
  }
}

/** A picked .zip: checked to be one (by its first bytes, whatever its name) before it is read. */
export async function loadDatasetZip(file: File): Promise<void> {
  const head = new Uint8Array(await file.slice(0, 4).arrayBuffer());
  const isZip = head[0] === 0x50 && head[1] === 0x4b && (head[2] === 3 || head[2] === 5) && (head[3] === 4 || head[3] === 6);
  if (!isZip) return void set({ tlDatasetError: `${file.name} is not a .zip archive: pick a .zip of class folders, or use “Choose a folder…”` });
  const name = /\.zip$/i.test(file.name) ? file.name : `${file.name}.zip`;
  return loadDatasetFiles([new File([file], name)], [name]);
}

/** A picked or dropped folder (relative paths give the classes), several folders, or a .zip. */
export function loadDatasetFiles(files: File[], paths?: string[]): Promise<void> {
  if (files.length === 0) {
    set({ tlDatasetError: 'That folder is empty: choose a folder with one sub-folder of images per class (e.g. paintings/Baroque/…, paintings/Symbolism/…).' });
    return Promise.resolve();
  }
  const rel = paths ?? files.map((f) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name);
  setLocalFiles(new Map(rel.map((p, i) => [p, files[i]!])));
  return loadDataset({ kind: 'files', files, paths: rel }, (s) => {
    const f = localFile(s);
    return f ? URL.createObjectURL(f) : undefined;
  });
}

export function loadManifest(url: string, baseUrl?: string): Promise<void> {
  let abs: string;
  try {
    abs = new URL(url, document.baseURI).href;
  } catch {
    set({ tlDatasetError: `"${url}" is not a valid URL` });
    return Promise.resolve();
  }
  return loadDataset({ kind: 'manifest', url: abs, baseUrl: baseUrl || undefined }, (s) => (/^https?:/.test(s) ? s : undefined));
}

export interface PreparedDataset {
  name: string;
  url: string;
  images: number;
  classes?: number;
  /** The sample paintings `npm run assets` installs: the studio's one-click start. */
  sample?: boolean;
}

let prepared: Promise<PreparedDataset[]> | null = null;
/** Datasets prepared on this server (public/datasets/index.json), fetched once. */
export function preparedDatasets(): Promise<PreparedDataset[]> {
  prepared ??= fetch('datasets/index.json')
    .then((r) => (r.ok ? (r.json() as Promise<{ datasets?: PreparedDataset[] }>) : { datasets: [] }))
    .then((j) => (Array.isArray(j.datasets) ? j.datasets : []))
    .catch(() => {
      prepared = null;
      return [];
    });
  return prepared;
}

/** Loads the sample paintings when they are installed; false when there are none. */
export async function loadSampleDataset(): Promise<boolean> {
  const sample = (await preparedDatasets()).find((d) => d.sample);
  if (!sample) return false;
  await loadManifest(sample.url);
  return true;
}

export function setStrategy(s: Strategy): void {
  session.strategyChosen = true;
  set({ tlStrategy: s });
  void refreshPlan();
}

export function setConfig(patch: Partial<TrainConfig>): void {
  set((st) => ({ tlConfig: { ...st.tlConfig, ...patch } }));
  if ('unfreezeBlock' in patch) void refreshPlan();
}

export async function startTraining(): Promise<void> {
  const st = get();
  if (st.tlStatus !== 'idle' || !st.tlDataset || !st.tlModel) return;
  const strategy = st.tlStrategy;
  const config = { ...st.tlConfig };
  session.checkpoint = null;
  // A new run takes the place of one a reload cut off (the worker stores only the running run).
  set({ tlResume: null, tlStatus: 'running', tlError: null, tlLive: { batchLosses: [], epochs: [], strategy }, tlProgress: { phase: 'features', done: 0, total: 0, startedAt: performance.now() } });
  await runTraining(strategy, config, 0);
}

/** Runs (or continues) a run; `stored`: from the checkpoint a reload left in the worker's IndexedDB, until the page holds a newer one. */
export async function runTraining(strategy: Strategy, config: TrainConfig, attempt: number, stored = false): Promise<void> {
  try {
    const from = session.checkpoint ? { resume: session.checkpoint } : stored ? { resumeStored: true } : {};
    const summary = await need().request<'train'>({ type: 'train', strategy, config, ...from }, (ev) => {
      if (ev.type === 'phase') {
        set({ tlProgress: progressNow(get().tlProgress, { phase: ev.phase, done: ev.done, total: ev.total, note: ev.note }, performance.now()) });
      } else if (ev.type === 'batch') {
        bufferBatch(ev.loss, { done: (ev.epoch - 1) * ev.batches + ev.batch, total: config.epochs * ev.batches, at: { epoch: ev.epoch, epochs: config.epochs, batch: ev.batch, batches: ev.batches } });
      } else if (ev.type === 'epoch') {
        bufferEpoch(ev.stats);
      } else if (ev.type === 'checkpoint') {
        session.checkpoint = ev.checkpoint;
      }
    });
    flush();
    const live = get().tlLive!;
    const ds = get().tlDataset!;
    const run: SavedRun = {
      id: `run${Date.now()}`,
      label: `${strategyLabel(strategy, get().tlModel?.classifierLayers ?? [], true)}${config.trunk === 'random' ? ' · random trunk' : ''}${config.mixup ? ` · mixup α ${config.mixup}` : ''} · ${config.optimizer} lr ${config.lr}${config.paceMs ? ' · paced' : ''} · ${new Date().toLocaleTimeString()}`,
      date: new Date().toISOString(),
      model: get().tlModel!.name,
      dataset: ds.name,
      classes: ds.classes,
      strategy,
      config,
      batchLosses: live.batchLosses,
      epochs: summary.epochs,
      summary,
    };
    const runs = [...get().tlRuns, run];
    session.checkpoint = null;
    set({ tlRuns: runs, tlHeldRun: run.id, tlStatus: 'idle', tlProgress: null });
    await idbSet(RUNS_KEY, runs).catch(() => undefined);
    void refreshCache();
  } catch (e) {
    flush();
    if (get().tlStatus !== 'stopping' && isRecoverable(e) && attempt < BACKEND_FALLBACK.length) {
      const resumed = await moveToNextBackend(message(e));
      if (resumed) return runTraining(strategy, config, attempt + 1, stored);
    }
    set({ tlStatus: 'idle', tlProgress: null, tlError: message(e) });
  }
}

export function pauseTraining(paused: boolean): void {
  void need().request<'pause'>({ type: 'pause', paused });
  set({ tlStatus: paused ? 'paused' : 'running' });
}

export function stopTraining(): void {
  void need().request<'stop'>({ type: 'stop' });
  set({ tlStatus: 'stopping' });
}

export async function deleteRun(id: string): Promise<void> {
  const runs = get().tlRuns.filter((r) => r.id !== id);
  set({ tlRuns: runs });
  await idbSet(RUNS_KEY, runs).catch(() => undefined);
}

/** The last run's model (best validation epoch) as model.json + weight shards. */
export async function exportModel(which: 'best' | 'last' = 'best'): Promise<void> {
  try {
    const { files } = await need().request<'export'>({ type: 'export', which });
    for (const f of files) download(f.name, f.bytes as BlobPart, f.name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
    // The browser may save them without a word: say what went where, and how to use it.
    const bytes = files.reduce((a, f) => a + f.bytes.byteLength, 0);
    notify(`Exported the ${which === 'best' ? 'best validation' : 'last'} epoch's model to your downloads: ${files.map((f) => f.name).join(', ')} (${formatBytes(bytes)}). To use it: Models → Open model…, and pick all of them.`);
  } catch (e) {
    set({ tlError: message(e) });
  }
}

export function exportRuns(format: 'json' | 'csv'): void {
  const runs = get().tlRuns;
  if (format === 'json') return download('transferlens-runs.json', JSON.stringify(runs, null, 2), 'application/json');
  download('transferlens-runs.csv', runsCsv(runs), 'text/csv');
}

export function openCell(cell: { truth: number; predicted: number } | null): void {
  set({ tlCell: cell });
}

export { backToImageNet, tryFineTuned } from './tryIt';

/** "Which layer to cut?": the same linear classifier at several depths of the backbone, on the dataset on screen. */
export async function runProbe(): Promise<void> {
  const st = get();
  const layers = st.tlModel ? (PROBE_LAYERS[st.tlModel.arch] ?? []) : [];
  if (st.tlProbe.running || st.tlStatus !== 'idle' || !st.tlDataset || layers.length === 0) return;
  set({ tlProbe: { running: true, progress: null, result: null, error: null } });
  try {
    const result = await need().request<'probe'>({ type: 'probe', layers, epochs: 20, seed: st.tlConfig.seed }, (ev) => {
      if (ev.type === 'phase') set((s) => ({ tlProbe: { ...s.tlProbe, progress: { phase: ev.phase, done: ev.done, total: ev.total } } }));
    });
    set({ tlProbe: { running: false, progress: null, result, error: null } });
  } catch (e) {
    set({ tlProbe: { running: false, progress: null, result: null, error: message(e) } });
  }
}
