/**
 * The training worker's message handler (a plain function, testable in Node): dispatch and
 * the state a session holds (the backbone copy used for training, the dataset, the last run,
 * pause/stop). Dataset sources, the feature cache and run summaries live in their own modules.
 */
import type { Backbone } from '../../ml/runtime/backbone';
import { configureWasm, selectBackend } from '../../ml/runtime/backend';
import { coresHere, wasmThreadPlan } from '../../ml/runtime/threads';
import { BACKEND_ORDER, type BackendName } from '../../ml/core/vocab';
import { stratifiedSplit, type Dataset } from '../../ml/core/dataset';
import { buildFineTunedModel, disposeFineTunedHead, fineTunedFiles } from '../../ml/training/export';
import { fineTune, withBlockWeights, type FineTuneResult } from '../../ml/training/pipeline';
import { checkpointBuffers } from '../../ml/training/loop';
import { fnv1a } from '../../ml/runtime/modelSource';
import type { RgbImage } from '../../ml/runtime/preprocess';
import { planFor } from '../../ml/core/surgery';
import type { Strategy } from '../../ml/core/vocab';
import { type TrainConfig } from '../../ml/core/vocab';
import { headView, pca2, umap2 } from '../../ml/training/embedding';
import { layerProbe } from '../../ml/training/probe';
import { withRandomTrunk } from '../../ml/training/randomTrunk';
import { serializeError } from '../shared/errors';
import { engineMemory } from '../shared/memory';
import { datasetSummary, openDatasetSource, type ItemBytes } from './datasetSource';
import { featureCache, featureKey } from './featureCache';
import { Gate } from './gate';
import { planRows, runSummary } from './runSummary';
import { resumeStore, type ResumeBackingStore } from './resumeStore';
import { openTrainModel } from './trainModel';
import { asDeviceLoss, DeviceLostError, loseDevice, watchDeviceLoss } from '../shared/deviceLoss';
import type { DatasetSummary, RunSummary, TrainEvent, TrainRequest, TrainResultMap } from './protocol';


export interface TrainHandlerDeps {
  /** Decodes image bytes to RGBA pixels (createImageBitmap in a worker; jpeg-js in Node tests). */
  decode: (bytes: Blob | Uint8Array) => Promise<RgbImage>;
  fetchFn?: typeof fetch;
  /** IndexedDB-like store; absent → no persistent feature cache, and no run survives a reload. */
  store?: ResumeBackingStore | null;
  /** Use TF.js's IndexedDB model store as a cache for models loaded by URL (the browser worker). */
  modelCache?: boolean;
  /** The machine's cores (navigator.hardwareConcurrency where absent): the WASM thread budget, and whether runs wait for the model worker. */
  cores?: number;
}

export function createTrainHandler(post: (e: TrainEvent, transfer?: Transferable[]) => void, deps: TrainHandlerDeps) {
  let backbone: Backbone | null = null;
  let modelUrl = '';
  let dataset: Dataset | null = null;
  let bytes: ItemBytes | null = null;
  let signature = '';
  let valFraction = 0.2;
  let manifest: { url: string; baseUrl?: string } | undefined;
  let last: { r: FineTuneResult; config: TrainConfig; strategy: Strategy; ds: Dataset } | null = null;
  let stopping = false;
  /** A pause, and the model worker's work where the two share the cores (gate.ts). */
  const gate = new Gate();
  let yieldsToModel = false;
  /** Set when the GPU device or context is lost: the run in progress fails at its next batch. */
  let lost: string | null = null;
  const cache = featureCache(deps.store ?? null);
  const interrupted = resumeStore(deps.store ?? null);
  const fetchFn = deps.fetchFn ?? fetch;

  const need = <T>(v: T | null, what: string): T => {
    if (!v) throw new Error(`${what} first`);
    return v;
  };

  async function loadDataset(req: Extract<TrainRequest, { type: 'loadDataset' }>): Promise<DatasetSummary> {
    const opened = await openDatasetSource(req.source, {
      fetchFn,
      onDownload: (d, f, t) => post({ type: 'phase', id: req.id, phase: 'download', done: d, total: t, note: f ? `${f} failed` : undefined }),
    });
    const ds = stratifiedSplit(opened.ds, req.valFraction, req.seed);
    dataset = ds;
    valFraction = req.valFraction;
    manifest = req.source.kind === 'manifest' ? { url: req.source.url, baseUrl: req.source.baseUrl } : undefined;
    bytes = opened.bytes;
    signature = fnv1a(ds.items.map((i) => `${i.source}|${i.label}|${i.split}`).join('\n') + ds.classes.join('|'));
    return datasetSummary(ds, signature);
  }

  function keyFor(strategy: Strategy, config: TrainConfig): string {
    const b = need(backbone, 'load a model');
    const plan = planFor(b.model, b.meta, strategy, need(dataset, 'load a dataset').classes.length);
    return featureKey({ modelUrl, datasetSignature: signature, preprocess: b.meta.preprocess, plan, config });
  }

  async function train(req: Extract<TrainRequest, { type: 'train' }>): Promise<RunSummary> {
    const b = need(backbone, 'load a model');
    const ds = need(dataset, 'load a dataset');
    const read = need(bytes, 'load a dataset');
    gate.set('paused', false);
    stopping = false;
    const key = keyFor(req.strategy, req.config);
    // With the last block unfrozen, what is cached is the block's input (in memory only).
    const cached = req.config.unfreezeBlock ? undefined : await cache.get(key);
    const frozenLayers = planFor(b.model, b.meta, req.strategy, ds.classes.length).frozen;
    // A run a reload cut off continues from the checkpoint its worker stored (resumeStore.ts).
    const stored = req.resumeStored ? await interrupted.load() : null;
    if (req.resumeStored && !stored) throw new Error('the interrupted run is no longer stored: train it again');
    if (stored && (stored.meta.signature !== signature || stored.meta.modelUrl !== modelUrl)) throw new Error(`the interrupted run trained ${stored.meta.modelName} on ${stored.meta.dataset}: load those to resume it`);
    const resume = req.resume ?? stored?.checkpoint;
    const meta = { modelUrl, modelName: b.meta.name, dataset: ds.name, manifest, signature, valFraction, strategy: req.strategy, config: req.config };
    const cachedFrozen = cached && frozenLayers.length ? await cache.getFrozen(key, frozenLayers) : undefined;
    const run = () =>
      fineTune(b, ds, {
        strategy: req.strategy,
        config: req.config,
        cachedTrunk: cached,
        image: async (i) => {
          const data = await read(i);
          return data ? deps.decode(data) : null;
        },
        onFeatures: (done, total) => post({ type: 'phase', id: req.id, phase: 'features', done, total }),
        onBatch: (epoch, batch, batches, loss) => post({ type: 'batch', id: req.id, epoch, batch, batches, loss }),
        onEpoch: (stats) => post({ type: 'epoch', id: req.id, stats }),
        shouldStop: () => stopping,
        waitWhilePaused: async () => {
          await gate.pass(() => stopping);
          if (lost) throw new DeviceLostError(lost);
        },
        // Stored for a reload, then moved, not copied: a checkpoint of fc7+fc8 is about 200 MB.
        onCheckpoint: (c) => void interrupted.save({ ...meta, epoch: c.epoch, epochs: c.epochs, batchLosses: c.batchLosses, date: new Date().toISOString() }, c).then(() => post({ type: 'checkpoint', id: req.id, checkpoint: c }, checkpointBuffers(c))),
        // Cached as soon as they exist: a run that dies later (device lost) resumes without the trunk.
        onTrunkReady: (trunk) => cache.put(key, trunk),
        cachedFrozen,
        onFrozenReady: (frozen) => cache.putFrozen(key, frozen),
        resume,
      });
    // The control run: the same recipe on a trunk re-drawn at random; the pretrained weights come back after.
    const r = req.config.trunk === 'random' && b.meta.trunkOutput ? await withRandomTrunk(b.model, b.meta.trunkOutput, req.config.seed, run) : await run();
    await interrupted.clear();
    last?.r.head.dispose();
    last = { r, config: req.config, strategy: req.strategy, ds };
    return runSummary(r, ds);
  }

  async function embedding(req: Extract<TrainRequest, { type: 'embedding' }>): Promise<TrainResultMap['embedding']> {
    const run = need(last, 'train a model');
    const t0 = performance.now();
    const t = run.r.trunk;
    if (!t.used.length) throw new Error('this run kept no trunk features (the last conv block was trained): train once without it');
    const n = t.used.length;
    const trunkSet = { x: t.x, dim: t.dim, n, y: Int32Array.from(t.used.map((i) => run.ds.items[i]!.label)) };
    let rows: { x: Float32Array; dim: number } = trunkSet;
    let layer = run.r.plan.trunkLayer;
    let kind: TrainResultMap['embedding']['kind'] = 'trunk';
    if (req.space === 'head') {
      const b = need(backbone, 'load a model');
      const frozen = run.r.plan.frozen.length && !run.config.unfreezeBlock ? await cache.getFrozen(keyFor(run.strategy, run.config), run.r.plan.frozen) : undefined;
      const v = await headView(b.model, run.r.plan, run.r.head, trunkSet, { frozen });
      ({ layer, kind } = v);
      rows = v;
    }
    const xy =
      req.method === 'umap'
        ? await umap2(rows.x, n, rows.dim, { seed: run.config.seed, onProgress: (done, total) => post({ type: 'phase', id: req.id, phase: 'train', done, total }) })
        : await pca2(rows.x, n, rows.dim);
    const points = t.used.map((item, k) => ({ x: xy[k * 2]!, y: xy[k * 2 + 1]!, label: run.ds.items[item]!.label, source: run.ds.items[item]!.source, split: run.ds.items[item]!.split === 'val' ? ('val' as const) : ('train' as const) }));
    return { points, method: req.method, space: req.space, layer, kind, ms: performance.now() - t0 };
  }

  async function exportModel(which: 'best' | 'last'): Promise<TrainResultMap['export']> {
    const b = need(backbone, 'load a model');
    const run = need(last, 'train a model');
    const current = run.r.head.snapshot();
    if (which === 'best' && run.r.train.bestWeights) run.r.head.restore(run.r.train.bestWeights);
    try {
      const build = () =>
        withBlockWeights(b.model, run.r, which, () => {
          const model = buildFineTunedModel(b.model, run.r.plan, run.r.head, run.config.dropout);
          try {
            return fineTunedFiles(model, b.meta, run.r.plan, run.ds.classes, {
              strategy: run.config.unfreezeBlock ? `${run.strategy}+last-conv-block` : run.strategy,
              recipe: run.config,
              epochs: run.r.train.epochs,
              best: run.r.train.best,
              dataset: { name: run.ds.name, classes: run.ds.classes, train: run.r.trainItems.length, val: run.r.valItems.length },
            });
          } finally {
            disposeFineTunedHead(model, run.r.plan);
          }
        });
      // A random-trunk run exports the trunk it trained on (the same seed draws it again).
      const files = run.config.trunk === 'random' && b.meta.trunkOutput ? await withRandomTrunk(b.model, b.meta.trunkOutput, run.config.seed, build) : await build();
      return {
        files: [
          { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(files.modelJson)) },
          ...files.shards.map((s) => ({ name: s.name, bytes: s.bytes.slice() })),
        ],
      };
    } finally {
      run.r.head.restore(current);
    }
  }

  async function dispatch(req: TrainRequest): Promise<TrainResultMap[TrainRequest['type']]> {
    switch (req.type) {
      case 'init': {
        if (Object.keys(req.wasmPaths).length) configureWasm(req.wasmPaths);
        const order: readonly BackendName[] = req.backend === 'auto' ? BACKEND_ORDER : [req.backend, ...BACKEND_ORDER.filter((x) => x !== req.backend)];
        const plan = wasmThreadPlan(deps.cores ?? coresHere());
        const info = await selectBackend(order, { allowSoftwareGpu: req.backend !== 'auto', wasmThreads: plan.train, gpuLimits: req.gpuLimits });
        lost = null;
        watchDeviceLoss((why) => (lost = why));
        // WASM threads on cores the model worker's threads also run on: wait while it computes (threads.ts).
        // One thread (no cross-origin isolation: the model worker has one too) shares nothing to wait for.
        yieldsToModel = info.name === 'wasm' && (info.threads ?? 1) > 1 && plan.yieldsToModel;
        if (!yieldsToModel) gate.set('model', false);
        return { ...info, yieldsToModel };
      }
      case 'simulateDeviceLoss':
        return { how: loseDevice((why) => (lost = why)) };
      case 'loadModel': {
        const { backbone: next, info } = await openTrainModel(req.url, { useCache: !!deps.modelCache, fetchFn });
        backbone?.dispose();
        backbone = next;
        modelUrl = req.url;
        return info;
      }
      case 'loadDataset':
        return loadDataset(req);
      case 'plan':
        return planRows(need(backbone, 'load a model'), req.strategy, dataset?.classes.length ?? 10, req.unfreezeBlock);
      case 'train':
        return await train(req).catch(async (e: unknown) => Promise.reject(await asDeviceLoss(e, () => lost)));
      case 'pause':
        gate.set('paused', req.paused);
        return { paused: req.paused };
      case 'modelBusy':
        gate.set('model', req.busy && yieldsToModel);
        return { yielding: gate.has('model') };
      case 'stop':
        stopping = true;
        gate.set('paused', false);
        gate.open();
        return { stopping: true };
      case 'export':
        return exportModel(req.which);
      case 'probe': {
        const b = need(backbone, 'load a model');
        const ds = need(dataset, 'load a dataset');
        const read = need(bytes, 'load a dataset');
        // Each depth's pooled rows go through the persistent feature cache, keyed like a trunk cut there
        // (a probe at the layer the studio trains on shares its features with training).
        const keyOf = (layer: string) =>
          featureKey({ modelUrl, datasetSignature: signature, preprocess: b.meta.preprocess, plan: { trunkLayer: layer, pool: (b.model.getLayer(layer).outputShape as unknown[]).length === 4 ? 'gap' : 'flatten' }, config: { seed: 0 } });
        const t0 = performance.now();
        const cached = Object.fromEntries(await Promise.all(req.layers.map(async (l) => [l, await cache.get(keyOf(l))] as const)));
        const fresh = new Set<string>();
        const r = await layerProbe(b, ds, req.layers, {
          cached,
          onLayerReady: (layer, rows) => (fresh.add(layer), cache.put(keyOf(layer), rows)),
          epochs: req.epochs,
          seed: req.seed,
          image: async (i) => {
            const data = await read(i);
            return data ? deps.decode(data) : null;
          },
          onProgress: (phase, done, total) => post({ type: 'phase', id: req.id, phase: phase === 'features' ? 'features' : 'train', done, total }),
        });
        return { ...r, fromCache: req.layers.filter((l) => !fresh.has(l)), ms: performance.now() - t0 };
      }
      case 'embedding':
        return embedding(req);
      case 'cacheInfo':
        return cache.info();
      case 'memory':
        return { ...engineMemory(), yieldedToModel: { ...gate.yielded } };
      case 'clearCache':
        return cache.clear();
      default: {
        const never: never = req;
        throw new Error(`unknown request ${(never as { type: string }).type}`);
      }
    }
  }

  const handle = async (req: TrainRequest): Promise<void> => {
    try {
      const result = await dispatch(req);
      const transfer = req.type === 'export' ? (result as TrainResultMap['export']).files.map((f) => f.bytes.buffer as ArrayBuffer) : [];
      post({ type: 'result', id: req.id, request: req.type, result } as TrainEvent, transfer);
    } catch (e) {
      post({ type: 'error', id: req.id, error: serializeError(e) });
    }
  };
  /** Pause, resume and stop must not wait behind the training they control. */
  const isImmediate = (req: TrainRequest) => req.type === 'pause' || req.type === 'modelBusy' || req.type === 'stop' || req.type === 'simulateDeviceLoss' || req.type === 'memory';
  return Object.assign(handle, { isImmediate });
}
