/**
 * The model worker's message handler: a plain function over the protocol, so it is
 * unit-tested in Node without a Worker. It owns the one loaded Backbone.
 */
import { serializeError } from '../shared/errors';
import { engineMemory } from '../shared/memory';
import * as tf from '@tensorflow/tfjs';
import { fromLayersModel, explainLoadError, ModelLoadError, topK, type Backbone } from '../../ml/runtime/backbone';
import { lastSpatialLayer, spatialLayers } from '../../ml/runtime/graph';
import { denormalize } from '../../ml/runtime/preprocess';
import { layersModelFromArtifacts } from '../../ml/runtime/leanLoad';
import { colourFilters, firstColourConv, layerActivations } from '../../ml/saliency/activations';
import { classModelVisualisation } from '../../ml/saliency/classModel';
import { computeSaliency } from '../../ml/saliency/saliency';
import { logitsModel, type LogitsModel } from '../../ml/saliency/logitsModel';
import { configureWasm, selectBackend } from '../../ml/runtime/backend';
import { wasmThreadsHere } from '../../ml/runtime/threads';
import { BACKEND_ORDER, type BackendName } from '../../ml/core/vocab';
import { cacheModel, clearCache, listCached, loadUrlArtifacts, readModelFiles, replaceInCache } from '../../ml/runtime/modelSource';
import { DeviceLostError, loseDevice, watchDeviceLoss } from '../shared/deviceLoss';
import type { ActivationsResult, LoadedModel, Request, ResultMap, SaliencyResult, WorkerEvent } from './protocol';


export type Post = (event: WorkerEvent) => void;

function softmax(z: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of z) max = Math.max(max, v);
  const out = new Float32Array(z.length);
  let sum = 0;
  for (let i = 0; i < z.length; i++) sum += out[i] = Math.exp(z[i]! - max);
  for (let i = 0; i < z.length; i++) out[i]! /= sum;
  return out;
}

export function createModelHandler(post: Post) {
  let backbone: Backbone | null = null;
  let logits: LogitsModel | null = null;
  let backendName = '';
  const cancelled = new Set<number>();
  /** Activation grids per (model, image, layer): flipping between layers of one image is instant. */
  const activationCache = new Map<string, Omit<ActivationsResult, 'cached' | 'ms'>>();
  const ACTIVATION_CACHE_ENTRIES = 24;
  let modelSerial = 0;
  /** Set when the GPU device or context is lost: the next map fails with DeviceLostError. */
  let lost: string | null = null;

  function requireModel(): Backbone {
    if (!backbone) throw new Error('no model is loaded yet');
    return backbone;
  }

  async function loadModel(req: Extract<Request, { type: 'loadModel' }>): Promise<LoadedModel> {
    const t0 = performance.now();
    const progress = (loaded: number, total: number, phase = 'download') =>
      post({ type: 'progress', id: req.id, loaded, total, phase });
    let artifacts: tf.io.ModelArtifacts;
    let from: LoadedModel['from'];
    let bytes = 0;
    let saveKey: string | null = null;
    const warnings: string[] = [];
    if (req.source.kind === 'files') {
      try {
        ({ artifacts, bytes } = await readModelFiles(req.source.files, (loaded, total) => progress(loaded, total, 'read')));
      } catch (e) {
        throw new ModelLoadError(explainLoadError(e));
      }
      from = 'files';
    } else {
      try {
        const r = await loadUrlArtifacts(req.source.url, { useCache: !!req.useCache, progress });
        ({ artifacts, from, bytes, saveKey } = r);
        warnings.push(...r.warnings);
      } catch (e) {
        throw new ModelLoadError(explainLoadError(e));
      }
    }
    let model: tf.LayersModel;
    try {
      model = await layersModelFromArtifacts(artifacts!);
    } catch (e) {
      throw new ModelLoadError(explainLoadError(e));
    }
    const next = await fromLayersModel(model);
    // Only now replace the old model: a failed load leaves the working one in place.
    logits?.dispose();
    backbone?.dispose();
    backbone = next;
    logits = logitsModel(next.model);
    modelSerial++;
    activationCache.clear();
    if (saveKey) {
      try {
        await replaceInCache((req.source as { url: string }).url, saveKey, artifacts!);
      } catch (e) {
        warnings.push(`could not cache the model in IndexedDB: ${(e as Error).message}`);
      }
    }
    const params = model.countParams();
    const spatial = spatialLayers(model);
    const camLayer = next.meta.trunkOutput && spatial.includes(next.meta.trunkOutput) ? next.meta.trunkOutput : lastSpatialLayer(model);
    return {
      meta: next.meta,
      metaFromFile: next.metaFromFile,
      warnings: [...next.warnings, ...warnings],
      from: from!,
      bytes,
      ms: performance.now() - t0,
      params,
      spatialLayers: spatial,
      camLayer,
      topology: model.toJSON(null, false),
    };
  }

  async function saliency(req: Extract<Request, { type: 'saliency' }>): Promise<SaliencyResult> {
    if (lost) throw new DeviceLostError(lost);
    const b = requireModel();
    const lm = logits!;
    const x = b.preprocess({ data: req.image.data, width: req.image.width, height: req.image.height, channels: 4 });
    try {
      const t0 = performance.now();
      const { params } = req;
      const r = await computeSaliency(lm.model, x, {
        method: params.method,
        classIndex: req.classIndex ?? 'top1',
        aggregate: params.aggregate,
        target: params.target,
        samples: params.samples,
        noisePct: params.noisePct,
        steps: params.steps,
        baseline: params.baseline,
        preprocess: b.meta.preprocess,
        layer: params.layer ?? undefined,
        batchSize: params.batchSize,
        onProgress: (done, total) => post({ type: 'progress', id: req.id, loaded: done, total, phase: params.method }),
        shouldStop: () => cancelled.has(req.id),
      });
      const ms = performance.now() - t0;
      const classIndex = r.classIndex;
      const top = topK(softmax(r.logits), 5, b.meta.labels);
      const rgba = tf.tidy(() => {
        const rgb = denormalize(x.squeeze([0]) as tf.Tensor3D, b.meta.preprocess);
        return tf.concat([rgb, tf.fill([r.height, r.width, 1], 255)], -1).round().toInt();
      });
      const input = Uint8ClampedArray.from(await rgba.data());
      rgba.dispose();
      const { logits: _logits, ...rest } = r;
      return { ...rest, label: b.meta.labels[classIndex] ?? `class ${classIndex}`, top, input, ms, backend: backendName };
    } finally {
      x.dispose();
      cancelled.delete(req.id);
    }
  }

  async function activations(req: Extract<Request, { type: 'activations' }>): Promise<ActivationsResult> {
    if (lost) throw new DeviceLostError(lost);
    const b = requireModel();
    const t0 = performance.now();
    const first = firstColourConv(b.model)?.name ?? null;
    const layer = req.layer ?? first ?? b.model.layers[1]?.name;
    if (!layer) throw new Error('this model has no layers to look inside');
    const key = `${modelSerial}|${req.imageKey}|${layer}|${req.maxChannels}`;
    const hit = activationCache.get(key);
    if (hit) {
      activationCache.delete(key); // most recently used last
      activationCache.set(key, hit);
      return { ...hit, cached: true, ms: performance.now() - t0 };
    }
    const x = b.preprocess({ data: req.image.data, width: req.image.width, height: req.image.height, channels: 4 });
    try {
      const maps = await layerActivations(b.model, x, layer, { maxChannels: req.maxChannels });
      const filters = layer === first ? await colourFilters(b.model, b.meta.preprocess) : null;
      activationCache.set(key, { maps, filters });
      while (activationCache.size > ACTIVATION_CACHE_ENTRIES) activationCache.delete(activationCache.keys().next().value!);
      return { maps, filters, cached: false, ms: performance.now() - t0 };
    } finally {
      x.dispose();
    }
  }

  async function dispatch(req: Request): Promise<ResultMap[Request['type']]> {
    switch (req.type) {
      case 'init': {
        if (Object.keys(req.wasmPaths).length > 0) configureWasm(req.wasmPaths);
        const order: readonly BackendName[] = req.backend === 'auto' ? BACKEND_ORDER : [req.backend, ...BACKEND_ORDER.filter((b) => b !== req.backend)];
        const info = await selectBackend(order, { allowSoftwareGpu: req.backend !== 'auto', wasmThreads: wasmThreadsHere('model'), gpuLimits: req.gpuLimits });
        backendName = info.name;
        lost = null;
        watchDeviceLoss((why) => (lost = why));
        return info;
      }
      case 'loadModel':
        return loadModel(req);
      case 'updateMeta': {
        const b = requireModel();
        b.updateMeta(req.patch);
        return b.meta;
      }
      case 'classify': {
        const b = requireModel();
        const t0 = performance.now();
        const top = await b.classify({ data: req.image.data, width: req.image.width, height: req.image.height, channels: 4 }, req.topK);
        return { top, ms: performance.now() - t0 };
      }
      case 'memory':
        return engineMemory();
      case 'listCache':
        return (await listCached()).map((c) => ({ ...c, url: '' }));
      case 'clearCache':
        return { removed: await clearCache() };
      case 'saliency':
        return saliency(req);
      case 'classModel': {
        const b = requireModel();
        const [h, w] = b.meta.inputSize;
        try {
          const r = await classModelVisualisation(logits!.model, {
            ...req.params,
            inputSize: [h, w],
            preprocess: b.meta.preprocess,
            onFrame: (f) => post({ type: 'frame', id: req.id, rgba: f.rgba, width: w, height: h, step: f.step, score: f.score }),
            shouldStop: () => cancelled.has(req.id),
          });
          return { ...r, width: w, height: h };
        } finally {
          cancelled.delete(req.id);
        }
      }
      case 'activations':
        return activations(req);
      case 'prefetch': {
        // Only into the cache: the loaded model stays; a later loadModel of this URL reads the cache.
        return cacheModel(req.url, (loaded, total) => post({ type: 'progress', id: req.id, loaded, total, phase: 'download' }));
      }
      case 'cancel':
        cancelled.add(req.target);
        return { cancelled: true };
      case 'simulateDeviceLoss':
        return { how: loseDevice((why) => (lost = why)) };
      case 'simulateCrash':
        setTimeout(() => {
          throw new Error('simulated crash (test hook)');
        });
        return { thrown: true };
      default: {
        const never: never = req;
        throw new Error(`unknown request ${(never as { type: string }).type}`);
      }
    }
  }

  /** Cancel requests must not wait behind the work they cancel. */
  function isImmediate(req: Request): boolean {
    return req.type === 'cancel' || req.type === 'simulateDeviceLoss' || req.type === 'simulateCrash' || req.type === 'prefetch';
  }

  const handle = async function handle(req: Request): Promise<void> {
    try {
      const result = await dispatch(req);
      post({ type: 'result', id: req.id, request: req.type, result } as WorkerEvent);
    } catch (e) {
      post({ type: 'error', id: req.id, error: serializeError(e) });
    }
  };
  return Object.assign(handle, { isImmediate });
}
