/** Transfer-learning studio actions: they own the training worker and persist runs in IndexedDB. */
import { get as idbGet, set as idbSet } from 'idb-keyval';
import type { Strategy } from '../ml/core/vocab';
import type { BackendName } from '../ml/core/vocab';
import type { Checkpoint } from '../ml/training/loop';
import type { TrainConfig } from '../ml/core/vocab';
import { TrainClient } from '../worker/train/client';
import type { DatasetSource } from '../worker/train/protocol';
import { goTo, loadModel } from './actions';
import { notify } from './notify';
import { BACKEND_FALLBACK, backendsAfter, isRecoverable } from './recovery';
import { useStore } from './store';
import type { SavedRun } from './slices/transfer';

const set = useStore.setState;
const get = useStore.getState;
export const RUNS_KEY = 'transferlens.runs';
/** Set once the user (or a link) chose a strategy: loading a model then keeps it when it applies. */
let strategyChosen = false;

let client: TrainClient | null = null;
/** What the studio's worker was given, to rebuild it on another backend after a device loss. */
let modelUrl: string | null = null;
let datasetSource: DatasetSource | null = null;
let trainBackend: BackendName | null = null;
/** The running run's state after its last completed epoch (from the worker). */
let checkpoint: Checkpoint | null = null;
let started: Promise<void> | null = null;
let localFiles: Map<string, File> | null = null;

const FLUSH_MS = 150;
let pendingLosses: number[] = [];
let pendingProgress: { done: number; total: number } | null = null;
let flushTimer: ReturnType<typeof setTimeout> | null = null;

function flush(): void {
  if (flushTimer) clearTimeout(flushTimer);
  flushTimer = null;
  const live = get().tlLive;
  if (!live || (pendingLosses.length === 0 && !pendingProgress)) return;
  const p = get().tlProgress;
  set({
    tlLive: { ...live, batchLosses: [...live.batchLosses, ...pendingLosses] },
    ...(pendingProgress ? { tlProgress: { phase: 'train' as const, ...pendingProgress, startedAt: p?.phase === 'train' ? p.startedAt : performance.now() } } : {}),
  });
  pendingLosses = [];
  pendingProgress = null;
}

function flushSoon(): void {
  flushTimer ??= setTimeout(flush, FLUSH_MS);
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** AlexNet when installed (the course's network), else the first model that can be fine-tuned. */
export function startTransfer(): Promise<void> {
  started ??= (async () => {
    try {
      const runs = (await idbGet<SavedRun[]>(RUNS_KEY)) ?? [];
      set({ tlRuns: runs });
    } catch {
      /* no IndexedDB: runs just will not persist */
    }
    client = newClient();
    try {
      trainBackend = (await client.init(get().backendChoice)).name;
    } catch (e) {
      set({ tlModelError: message(e) });
      return;
    }
    await waitForIndex();
    const index = get().index;
    // A model a link asked for first, then AlexNet (the course's network), then the rest.
    const rank = (m: (typeof index)[number]) => (m.id === get().preferredModel ? 0 : m.arch === 'alexnet' ? 1 : 2);
    const ordered = [...index].sort((a, b) => rank(a) - rank(b));
    for (const m of ordered) {
      try {
        const url = new URL(m.url, document.baseURI).href;
        const info = await client.request<'loadModel'>({ type: 'loadModel', url });
        if (info.strategies.length === 0) continue;
        modelUrl = url;
        const want = get().tlStrategy;
        const fallback = info.strategies.includes('fc7-fc8') ? 'fc7-fc8' : info.strategies[0]!;
        set({ tlModel: info, tlStrategy: strategyChosen && info.strategies.includes(want) ? want : fallback, tlModelError: null });
        void refreshPlan();
        void refreshCache();
        return;
      } catch (e) {
        set({ tlModelError: `${m.name}: ${message(e)}` });
      }
    }
    if (!get().tlModel) set({ tlModelError: get().tlModelError ?? 'no installed model can be fine-tuned: run npm run assets to install AlexNet' });
  })();
  return started;
}

function newClient(): TrainClient {
  // A crash outside a request (none running) is reported; one during training is recovered in startTraining.
  return new TrainClient((msg) => {
    if (get().tlStatus === 'idle') set({ tlError: `the training worker stopped: ${msg}` });
  });
}

async function waitForIndex(): Promise<void> {
  for (let i = 0; i < 100 && get().indexState === 'loading'; i++) await new Promise((r) => setTimeout(r, 100));
}

function need(): TrainClient {
  if (!client) throw new Error('the studio is still starting');
  return client;
}

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
    datasetSource = source;
    const map: Record<string, string> = {};
    for (const s of summary.samples) {
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

/** A picked or dropped folder (relative paths give the classes), several folders, or a .zip. */
export function loadDatasetFiles(files: File[], paths?: string[]): Promise<void> {
  const rel = paths ?? files.map((f) => (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name);
  localFiles = new Map(rel.map((p, i) => [p, files[i]!]));
  return loadDataset({ kind: 'files', files, paths: rel }, (s) => {
    const f = localFiles?.get(s);
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

export function setStrategy(s: Strategy): void {
  strategyChosen = true;
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
  checkpoint = null;
  set({ tlStatus: 'running', tlError: null, tlLive: { batchLosses: [], epochs: [], strategy }, tlProgress: { phase: 'features', done: 0, total: 0, startedAt: performance.now() } });
  await runTraining(strategy, config, 0);
}

async function runTraining(strategy: Strategy, config: TrainConfig, attempt: number): Promise<void> {
  try {
    const summary = await need().request<'train'>({ type: 'train', strategy, config, ...(checkpoint ? { resume: checkpoint } : {}) }, (ev) => {
      if (ev.type === 'phase') {
        const p = get().tlProgress;
        set({ tlProgress: { phase: ev.phase, done: ev.done, total: ev.total, note: ev.note, startedAt: p && p.phase === ev.phase ? p.startedAt : performance.now() } });
      } else if (ev.type === 'batch') {
        // Batches can arrive hundreds of times a second: buffer them and re-render at most
        // every FLUSH_MS, so the page stays responsive however small the batch.
        pendingLosses.push(ev.loss);
        pendingProgress = { done: (ev.epoch - 1) * ev.batches + ev.batch, total: config.epochs * ev.batches };
        flushSoon();
      } else if (ev.type === 'epoch') {
        flush();
        const live = get().tlLive!;
        set({ tlLive: { ...live, epochs: [...live.epochs, ev.stats] } });
      } else if (ev.type === 'checkpoint') {
        checkpoint = ev.checkpoint;
      }
    });
    flush();
    const live = get().tlLive!;
    const ds = get().tlDataset!;
    const run: SavedRun = {
      id: `run${Date.now()}`,
      label: `${strategy} · ${config.optimizer} lr ${config.lr} · ${new Date().toLocaleTimeString()}`,
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
    checkpoint = null;
    set({ tlRuns: runs, tlStatus: 'idle', tlProgress: null });
    await idbSet(RUNS_KEY, runs).catch(() => undefined);
    void refreshCache();
  } catch (e) {
    flush();
    if (get().tlStatus !== 'stopping' && isRecoverable(e) && attempt < BACKEND_FALLBACK.length) {
      const resumed = await moveToNextBackend(message(e));
      if (resumed) return runTraining(strategy, config, attempt + 1);
    }
    set({ tlStatus: 'idle', tlProgress: null, tlError: message(e) });
  }
}

/**
 * A new training worker on the next backend (WebGPU → WebGL → WASM → CPU), with the same
 * model and dataset; the live charts go back to the last completed epoch, which is where
 * the run continues. False when there is no backend left or the rebuild failed.
 */
async function moveToNextBackend(reason: string): Promise<boolean> {
  const from = trainBackend;
  const candidates = backendsAfter(from);
  if (!modelUrl || !datasetSource || candidates.length === 0) return false;
  client?.terminate();
  client = newClient();
  try {
    const info = await client.init(candidates[0]!);
    trainBackend = info.name;
    await client.request<'loadModel'>({ type: 'loadModel', url: modelUrl });
    await client.request<'loadDataset'>({ type: 'loadDataset', source: datasetSource, valFraction: get().tlValFraction, seed: get().tlConfig.seed });
  } catch (e) {
    set({ tlError: `switching the training to another backend failed: ${message(e)}` });
    return false;
  }
  const live = get().tlLive!;
  const cp = checkpoint;
  set({
    tlStatus: 'running',
    tlLive: { ...live, batchLosses: cp ? cp.batchLosses : [], epochs: cp ? cp.epochs : [] },
    tlProgress: { phase: cp ? 'train' : 'features', done: 0, total: 0, startedAt: performance.now() },
  });
  notify(
    `Training on ${from?.toUpperCase() ?? 'the first backend'} failed (${reason}). Switched to ${trainBackend.toUpperCase()}; ${cp ? `the run continues after epoch ${cp.epoch}` : 'the run starts again (no epoch had finished)'}.`,
  );
  return true;
}

/** Test hook (window.transferlens.simulateDeviceLoss): loses the training worker's GPU device, or fakes it on WASM/CPU. */
export async function simulateDeviceLoss(): Promise<string> {
  return (await need().request<'simulateDeviceLoss'>({ type: 'simulateDeviceLoss' })).how;
}

export function trainingBackend(): BackendName | null {
  return trainBackend;
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

function download(name: string, data: BlobPart, type = 'application/octet-stream'): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([data], { type }));
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 2000);
}

/** The last run's model (best validation epoch) as model.json + weight shards. */
export async function exportModel(which: 'best' | 'last' = 'best'): Promise<void> {
  try {
    const { files } = await need().request<'export'>({ type: 'export', which });
    for (const f of files) download(f.name, f.bytes as BlobPart, f.name.endsWith('.json') ? 'application/json' : 'application/octet-stream');
  } catch (e) {
    set({ tlError: message(e) });
  }
}

export function exportRuns(format: 'json' | 'csv'): void {
  const runs = get().tlRuns;
  if (format === 'json') return download('transferlens-runs.json', JSON.stringify(runs, null, 2), 'application/json');
  const rows = ['run,strategy,optimizer,lr,batch,epoch,trainLoss,trainAcc,valLoss,valAcc,ms'];
  for (const r of runs)
    for (const e of r.epochs) rows.push([r.id, r.strategy, r.config.optimizer, r.config.lr, r.config.batchSize, e.epoch, e.trainLoss, e.trainAcc, e.valLoss, e.valAcc, Math.round(e.ms)].join(','));
  download('transferlens-runs.csv', rows.join('\n'), 'text/csv');
}

const objectUrls = new Map<string, string>();
/** A displayable URL for a dataset item: the URL itself, or an object URL of the local file. */
export function imageUrl(source: string): string | undefined {
  if (/^(https?|blob|data):/.test(source)) return source;
  const hit = objectUrls.get(source);
  if (hit) return hit;
  const f = localFiles?.get(source);
  if (!f) return undefined;
  const url = URL.createObjectURL(f);
  objectUrls.set(source, url);
  return url;
}

export function openCell(cell: { truth: number; predicted: number } | null): void {
  set({ tlCell: cell });
}

/**
 * "Try it": the fine-tuned model (best epoch) goes to the model worker, and the saliency
 * screen shows its predicted styles and their saliency maps for any painting dropped there.
 */
export async function tryFineTuned(): Promise<void> {
  try {
    const { files } = await need().request<'export'>({ type: 'export', which: 'best' });
    const run = get().tlRuns.at(-1);
    const label = run ? `${run.model} fine-tuned (${run.strategy})` : 'fine-tuned model';
    const asFiles = files.map((f) => new File([f.bytes as BlobPart], f.name));
    goTo('saliency');
    await loadModel({ kind: 'files', files: asFiles }, label);
  } catch (e) {
    set({ tlError: message(e) });
  }
}
