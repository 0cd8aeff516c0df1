/**
 * The studio's training worker: its life (start, model choice, crash), and moving a run to the
 * next backend after a lost device — a new worker with the same model and dataset, resumed from
 * the last completed epoch's checkpoint.
 */
import { get as idbGet } from 'idb-keyval';
import { RESUME_META_KEY, type ResumeMeta } from '../worker/train/resumeStore';
import type { BackendName } from '../ml/core/vocab';
import type { BackendChoice } from '../worker/model/protocol';
import type { Checkpoint } from '../ml/training/loop';
import { TrainClient } from '../worker/train/client';
import type { DatasetSource, TrainModelInfo } from '../worker/train/protocol';
import { notify } from './notify';
import { backendsAfter } from './recovery';
import { useStore } from './store';
import type { SavedRun } from './slices/transfer';
import { errorText as message } from '../lib/errorText';

export { message };

const set = useStore.setState;
const get = useStore.getState;
export const RUNS_KEY = 'transferlens.runs';

let client: TrainClient | null = null;
let started: Promise<void> | null = null;
let trainBackend: BackendName | null = null;
/** What the worker was given, to rebuild it on another backend after a device loss. */
export const session: { modelUrl: string | null; datasetSource: DatasetSource | null; checkpoint: Checkpoint | null; strategyChosen: boolean } = {
  modelUrl: null,
  datasetSource: null,
  /** The running run's state after its last completed epoch (from the worker). */
  checkpoint: null,
  /** Set once the user (or a link) chose a strategy: loading a model then keeps it when it applies. */
  strategyChosen: false,
};


export function need(): TrainClient {
  if (!client) throw new Error('the studio is still starting');
  return client;
}

/** AlexNet when installed (the course's network), else the first model that can be fine-tuned. */
/** Called when the studio's model is ready (the actions refresh the plan and the cache). */
let onModelReady: (() => void) | null = null;

export function startTransfer(ready: () => void): Promise<void> {
  onModelReady = ready;
  started ??= (async () => {
    try {
      const runs = (await idbGet<SavedRun[]>(RUNS_KEY)) ?? [];
      set({ tlRuns: runs });
      // A run the last visit's reload cut off: offered first on the studio (ResumeOffer).
      // Its recipe, strategy and split come back with it, so the same dataset loads with the same signature.
      const cut = (await idbGet<ResumeMeta>(RESUME_META_KEY)) ?? null;
      set(cut ? { tlResume: cut, tlConfig: { ...cut.config }, tlStrategy: cut.strategy, tlValFraction: cut.valFraction } : { tlResume: null });
      if (cut) session.strategyChosen = true;
    } catch {
      /* no IndexedDB: runs just will not persist */
    }
    client = newClient();
    try {
      trainBackend = (await initClient(client, get().backendChoice)).name;
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
        adopt(url, info, session.strategyChosen);
        return;
      } catch (e) {
        set({ tlModelError: `${m.name}: ${message(e)}` });
      }
    }
    if (!get().tlModel) set({ tlModelError: get().tlModelError ?? 'no installed model can be fine-tuned: run npm run assets to install AlexNet' });
  })();
  return started;
}

/** The studio's model is now `info` (loaded from `url`): keep the chosen strategy where it applies, else fc7-fc8, else the first. */
function adopt(url: string, info: TrainModelInfo, keepStrategy: boolean): void {
  session.modelUrl = url;
  const want = get().tlStrategy;
  const fallback = info.strategies.includes('fc7-fc8') ? 'fc7-fc8' : info.strategies[0]!;
  set({ tlModel: info, tlStrategy: keepStrategy && info.strategies.includes(want) ? want : fallback, tlModelError: null });
  void onModelReady?.();
}

/** The studio on another installed model (the dataset stays; the plan and cache status are refreshed). False if it cannot be fine-tuned. */
export async function switchStudioModel(m: { url: string; name: string }): Promise<boolean> {
  if (!client || get().tlStatus !== 'idle') return false;
  try {
    const url = new URL(m.url, document.baseURI).href;
    const info = await client.request<'loadModel'>({ type: 'loadModel', url });
    if (info.strategies.length === 0) throw new Error('it has no classifier layers to replace');
    adopt(url, info, true);
    return true;
  } catch (e) {
    set({ tlModelError: `${m.name}: ${message(e)}` });
    return false;
  }
}

function newClient(): TrainClient {
  set({ tlHeldRun: null }); // a fresh worker holds no trained head
  // A crash outside a request (none running) is reported; one during training is recovered in startTraining.
  return new TrainClient((msg) => {
    if (get().tlStatus === 'idle') set({ tlError: `the training worker stopped: ${msg}` });
  });
}

let modelComputing = false;

/**
 * The model worker started or ended its work (ModelClient's onBusy). Where the two workers share
 * the cores (ml/runtime/threads.ts: a 2-core machine), a run waits between batches meanwhile, so
 * a student's map gets both cores; elsewhere the training worker ignores it.
 */
export function modelBusy(busy: boolean): void {
  // A map on the GPU leaves the cores to training: only the model worker's WASM threads are waited for.
  const next = busy && get().backend?.name === 'wasm';
  if (next === modelComputing) return; // nothing new for the training worker
  modelComputing = next;
  set({ tlYielding: modelComputing && yields });
  void client?.request<'modelBusy'>({ type: 'modelBusy', busy: modelComputing }).catch(() => undefined);
}

/** Whether the training worker's backend waits for the model worker (from its init). */
let yields = false;

/** Starts the worker's backend, then tells it whether the model worker is computing now. */
async function initClient(c: TrainClient, backend: BackendChoice) {
  yields = false;
  const info = await c.init(backend);
  yields = info.yieldsToModel;
  if (modelComputing) void c.request<'modelBusy'>({ type: 'modelBusy', busy: true }).catch(() => undefined);
  set({ tlYielding: modelComputing && yields });
  return info;
}

async function waitForIndex(): Promise<void> {
  for (let i = 0; i < 100 && get().indexState === 'loading'; i++) await new Promise((r) => setTimeout(r, 100));
}

/**
 * A new training worker on the next backend (WebGPU → WebGL → WASM → CPU), with the same
 * model and dataset; the live charts go back to the last completed epoch, which is where
 * the run continues. False when there is no backend left or the rebuild failed.
 */
export async function moveToNextBackend(reason: string): Promise<boolean> {
  const from = trainBackend;
  const candidates = backendsAfter(from);
  if (!session.modelUrl || !session.datasetSource || candidates.length === 0) return false;
  client?.terminate();
  client = newClient();
  try {
    const info = await initClient(client, candidates[0]!);
    trainBackend = info.name;
    await client.request<'loadModel'>({ type: 'loadModel', url: session.modelUrl });
    await client.request<'loadDataset'>({ type: 'loadDataset', source: session.datasetSource, valFraction: get().tlValFraction, seed: get().tlConfig.seed });
  } catch (e) {
    set({ tlError: `switching the training to another backend failed: ${message(e)}` });
    return false;
  }
  const live = get().tlLive!;
  const cp = session.checkpoint;
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

/** Test hook (window.transferlens.memory): the training worker's engine memory, or null before the studio starts. */
export async function trainMemory() {
  return client ? client.request<'memory'>({ type: 'memory' }) : null;
}

export function trainingBackend(): BackendName | null {
  return trainBackend;
}

