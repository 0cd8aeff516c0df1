/**
 * The training worker's message handler (a plain function, testable in Node). It owns
 * the backbone copy used for training, the dataset, the last run's head, and the
 * IndexedDB feature cache.
 */
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { del, get, keys, set } from 'idb-keyval';
import { fromLayersModel, type Backbone } from '../../ml/runtime/backbone';
import { configureWasm, selectBackend } from '../../ml/runtime/backend';
import { BACKEND_ORDER, type BackendName } from '../../ml/core/vocab';
import { classCounts, datasetWarnings, fromPaths, parseJsonManifest, parseWikiartCsv, stratifiedSplit, type Dataset } from '../../ml/core/dataset';
import { fetchAll } from '../../ml/runtime/download';
import { buildFineTunedModel, fineTunedFiles } from '../../ml/training/export';
import { fineTune, withBlockWeights, type FineTuneResult, type TrunkCache } from '../../ml/training/pipeline';
import { fnv1a, loadUrlArtifacts, replaceInCache } from '../../ml/runtime/modelSource';
import type { RgbImage } from '../../ml/runtime/preprocess';
import { lastConvBlock, layerTable, planFor } from '../../ml/core/surgery';
import { STRATEGIES, type Strategy } from '../../ml/core/vocab';
import { precisionRecall } from '../../ml/training/loop';
import { type TrainConfig } from '../../ml/core/vocab';
import { serializeError } from '../model/handler';
import { DeviceLostError, loseDevice, watchDeviceLoss } from '../shared/deviceLoss';
import type { DatasetSummary, RunSummary, TrainEvent, TrainRequest, TrainResultMap } from './protocol';

type Bytes = (i: number) => Promise<Blob | Uint8Array | null>;

type CachedTrunk = TrunkCache;

export interface TrainHandlerDeps {
  /** Decodes image bytes to RGBA pixels (createImageBitmap in a worker; jpeg-js in Node tests). */
  decode: (bytes: Blob | Uint8Array) => Promise<RgbImage>;
  fetchFn?: typeof fetch;
  /** IndexedDB-like store; absent → no persistent feature cache. */
  store?: { get: typeof get; set: typeof set; keys: typeof keys; del: typeof del } | null;
  /** Use TF.js's IndexedDB model store as a cache for models loaded by URL (the browser worker). */
  modelCache?: boolean;
}

const FEATURE_PREFIX = 'features:';
const META_PREFIX = 'features-meta:';

export function createTrainHandler(post: (e: TrainEvent, transfer?: Transferable[]) => void, deps: TrainHandlerDeps) {
  let backbone: Backbone | null = null;
  let modelUrl = '';
  let dataset: Dataset | null = null;
  let bytes: Bytes | null = null;
  let signature = '';
  let last: { r: FineTuneResult; config: TrainConfig; strategy: Strategy; ds: Dataset } | null = null;
  let paused = false;
  let stopping = false;
  let resume: (() => void) | null = null;
  /** Set when the GPU device or context is lost: the run in progress fails at its next batch. */
  let lost: string | null = null;
  const store = deps.store ?? null;
  const fetchFn = deps.fetchFn ?? fetch;

  const need = <T>(v: T | null, what: string): T => {
    if (!v) throw new Error(`${what} first`);
    return v;
  };

  async function loadDataset(req: Extract<TrainRequest, { type: 'loadDataset' }>): Promise<DatasetSummary> {
    let ds: Dataset;
    const src = req.source;
    if (src.kind === 'files') {
      const zip = src.files.length === 1 && /\.zip$/i.test(src.files[0]!.name) ? src.files[0]! : null;
      if (zip) {
        let entries: Record<string, Uint8Array>;
        try {
          entries = unzipSync(new Uint8Array(await zip.arrayBuffer()));
        } catch (e) {
          throw new Error(`${zip.name} is not a readable zip: ${(e as Error).message}`);
        }
        ds = fromPaths(Object.keys(entries).filter((k) => !k.endsWith('/')), zip.name.replace(/\.zip$/i, ''));
        bytes = async (i) => entries[ds.items[i]!.source] ?? null;
      } else {
        const byPath = new Map(src.paths.map((p, i) => [p, src.files[i]!]));
        const root = src.paths[0]?.split('/')[0] ?? 'dataset';
        ds = fromPaths(src.paths, src.paths.every((p) => p.startsWith(`${root}/`)) ? root : 'dataset');
        bytes = async (i) => byPath.get(ds.items[i]!.source) ?? null;
      }
    } else {
      const res = await fetchFn(src.url);
      if (!res.ok) throw new Error(`${src.url}: HTTP ${res.status}`);
      const body = new Uint8Array(await res.arrayBuffer());
      ds = /\.csv(\.gz)?$/i.test(new URL(src.url).pathname)
        ? parseWikiartCsv(body, { baseUrl: src.baseUrl })
        : parseJsonManifest(new TextDecoder().decode(body), src.url, new URL(src.url).pathname.split('/').slice(-2, -1)[0] || 'manifest');
      let downloaded: (Uint8Array | null)[] | null = null;
      bytes = async (i) => {
        if (!downloaded) {
          const r = await fetchAll(
            ds.items.map((it) => it.source),
            { concurrency: 8, retries: 3, fetchFn, onProgress: (d, f, t) => post({ type: 'phase', id: req.id, phase: 'download', done: d, total: t, note: f ? `${f} failed` : undefined }) },
          );
          downloaded = r.bodies;
        }
        return downloaded[i] ?? null;
      };
    }
    ds = stratifiedSplit(ds, req.valFraction, req.seed);
    dataset = ds;
    signature = fnv1a(ds.items.map((i) => `${i.source}|${i.label}|${i.split}`).join('\n') + ds.classes.join('|'));
    const perClass = new Map<number, number>();
    const samples = ds.items.filter((it) => {
      const n = perClass.get(it.label) ?? 0;
      perClass.set(it.label, n + 1);
      return n < 4;
    });
    return {
      name: ds.name,
      classes: ds.classes,
      counts: classCounts(ds),
      train: ds.items.filter((i) => i.split === 'train').length,
      val: ds.items.filter((i) => i.split === 'val').length,
      warnings: datasetWarnings(ds),
      samples: samples.map((s) => ({ label: s.label, source: s.source })),
      signature,
    };
  }

  function featureKey(strategy: Strategy, config: TrainConfig): string {
    const b = need(backbone, 'load a model');
    const plan = planFor(b.model, b.meta, strategy, need(dataset, 'load a dataset').classes.length);
    // Augmented views depend on their count and on the seed that drew the crops.
    const aug = config.augmentViews ? `:aug${config.augmentViews}s${config.seed}` : '';
    return `${FEATURE_PREFIX}${fnv1a(modelUrl)}:${signature}:${fnv1a(JSON.stringify(b.meta.preprocess))}:${plan.trunkLayer}:${plan.pool}${aug}`;
  }

  async function train(req: Extract<TrainRequest, { type: 'train' }>): Promise<RunSummary> {
    const b = need(backbone, 'load a model');
    const ds = need(dataset, 'load a dataset');
    const read = need(bytes, 'load a dataset');
    paused = false;
    stopping = false;
    const key = featureKey(req.strategy, req.config);
    let cached: CachedTrunk | undefined;
    try {
      // With the last block unfrozen, what is cached is the block's input (in memory only).
      cached = req.config.unfreezeBlock ? undefined : ((await store?.get<CachedTrunk>(key)) ?? undefined);
    } catch {
      cached = undefined;
    }
    const r = await fineTune(b, ds, {
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
        if (paused) await new Promise<void>((res) => (resume = res));
        if (lost) throw new DeviceLostError(lost);
      },
      onCheckpoint: (checkpoint) => post({ type: 'checkpoint', id: req.id, checkpoint }),
      // Cached as soon as they exist: a run that dies later (device lost) resumes without the trunk.
      onTrunkReady: async (trunk) => {
        try {
          await store?.set(key, trunk);
          // A small summary beside it, so the cache status never reads the arrays back.
          await store?.set(`${META_PREFIX}${key}`, { images: trunk.used.length, bytes: trunk.x.byteLength + (trunk.aug?.x.byteLength ?? 0) });
        } catch {
          /* quota: the run still counts, only the cache is missing */
        }
      },
      resume: req.resume,
    });
    last?.r.head.dispose();
    last = { r, config: req.config, strategy: req.strategy, ds };
    const mistakes = r.valItems
      .map((item, k) => ({ source: ds.items[item]!.source, truth: ds.items[item]!.label, predicted: r.evaluation.predicted[k]!, confidence: r.evaluation.confidence[k]! }))
      .filter((m) => m.truth !== m.predicted)
      .sort((a, b2) => b2.confidence - a.confidence)
      .slice(0, 12);
    const cells: Record<string, string[]> = {};
    r.valItems.forEach((item, k) => {
      const c = `${ds.items[item]!.label},${r.evaluation.predicted[k]}`;
      const list = (cells[c] ??= []);
      if (list.length < 24) list.push(ds.items[item]!.source);
    });
    return {
      epochs: r.train.epochs,
      best: r.train.best,
      confusion: r.evaluation.confusion,
      precisionRecall: precisionRecall(r.evaluation.confusion),
      featureMs: r.featureMs,
      fromCache: r.fromCache,
      imagesPerSecond: r.fromCache ? 0 : r.trunk.used.length / (r.featureMs / 1000),
      unreadable: r.unreadable,
      stopped: r.train.stopped,
      mistakes,
      cells,
    };
  }

  async function exportModel(which: 'best' | 'last'): Promise<TrainResultMap['export']> {
    const b = need(backbone, 'load a model');
    const run = need(last, 'train a model');
    const current = run.r.head.snapshot();
    if (which === 'best' && run.r.train.bestWeights) run.r.head.restore(run.r.train.bestWeights);
    try {
      const files = await withBlockWeights(b.model, run.r, which, () => {
        const model = buildFineTunedModel(b.model, run.r.plan, run.r.head, run.config.dropout);
        return fineTunedFiles(model, b.meta, run.r.plan, run.ds.classes, {
          strategy: run.config.unfreezeBlock ? `${run.strategy}+last-conv-block` : run.strategy,
          recipe: run.config,
          epochs: run.r.train.epochs,
          best: run.r.train.best,
          dataset: { name: run.ds.name, classes: run.ds.classes, train: run.r.trainItems.length, val: run.r.valItems.length },
        });
      });
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
        const info = await selectBackend(order, { allowSoftwareGpu: req.backend !== 'auto' });
        lost = null;
        watchDeviceLoss((why) => (lost = why));
        return info;
      }
      case 'simulateDeviceLoss':
        return { how: loseDevice((why) => (lost = why)) };
      case 'loadModel': {
        // The same IndexedDB model cache as the model worker: a model seen once loads offline.
        const loaded = await loadUrlArtifacts(req.url, { useCache: !!deps.modelCache, fetchFn });
        const next = await fromLayersModel(await tf.loadLayersModel(tf.io.fromMemory(loaded.artifacts)));
        if (loaded.saveKey) await replaceInCache(req.url, loaded.saveKey, loaded.artifacts).catch(() => undefined);
        backbone?.dispose();
        backbone = next;
        modelUrl = req.url;
        const strategies = STRATEGIES.filter((s) => {
          try {
            planFor(next.model, next.meta, s, 2);
            return true;
          } catch {
            return false;
          }
        });
        return {
          name: next.meta.name,
          arch: next.meta.arch,
          strategies,
          trunkOutput: next.meta.trunkOutput,
          classifierLayers: next.meta.classifierLayers,
          topology: next.model.toJSON(null, false),
        };
      }
      case 'loadDataset':
        return loadDataset(req);
      case 'plan': {
        const b = need(backbone, 'load a model');
        const n = dataset?.classes.length ?? 10;
        try {
          const plan = planFor(b.model, b.meta, req.strategy, Math.max(2, n));
          const trunk = b.model.getLayer(plan.trunkLayer).outputShape as number[];
          let inDim = plan.pool === 'gap' ? trunk[trunk.length - 1]! : trunk.slice(1).reduce((a, v) => a * v, 1);
          if (plan.frozen.length) inDim = (b.model.getLayer(plan.frozen.at(-1)!).outputShape as number[]).at(-1)!;
          let rows = layerTable(b.model, plan, inDim);
          if (req.unfreezeBlock) {
            const block = lastConvBlock(b.model, plan.trunkLayer).layers;
            rows = rows.map((r) => (block.includes(r.name) ? { ...r, status: 'trainable' as const } : r));
          }
          return { rows, note: plan.note };
        } catch (e) {
          return { rows: [], error: (e as Error).message };
        }
      }
      case 'train':
        return train(req);
      case 'pause':
        paused = req.paused;
        if (!paused) {
          resume?.();
          resume = null;
        }
        return { paused };
      case 'stop':
        stopping = true;
        paused = false;
        resume?.();
        resume = null;
        return { stopping: true };
      case 'export':
        return exportModel(req.which);
      case 'cacheInfo': {
        let entries = 0;
        let images = 0;
        let bytesTotal = 0;
        if (store)
          for (const k of await store.keys().catch(() => [])) {
            if (typeof k !== 'string' || !k.startsWith(META_PREFIX)) continue;
            const v = await store.get<{ images: number; bytes: number }>(k);
            if (!v) continue;
            entries++;
            images += v.images;
            bytesTotal += v.bytes;
          }
        return { entries, images, bytes: bytesTotal };
      }
      case 'clearCache': {
        let removed = 0;
        if (store)
          for (const k of await store.keys().catch(() => [])) {
            if (typeof k === 'string' && (k.startsWith(FEATURE_PREFIX) || k.startsWith(META_PREFIX))) {
              await store.del(k);
              if (k.startsWith(FEATURE_PREFIX)) removed++;
            }
          }
        return { removed };
      }
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
  const isImmediate = (req: TrainRequest) => req.type === 'pause' || req.type === 'stop' || req.type === 'simulateDeviceLoss';
  return Object.assign(handle, { isImmediate });
}
