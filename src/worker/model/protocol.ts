/**
 * The typed protocol between the page and the model worker. Types only: no runtime
 * code, so React can import it without pulling in TF.js.
 */
import type { SerializedError } from '../shared/client';
import type { MemoryInfo } from '../shared/memory';
export type { MemoryInfo };
import type { BackendInfo, GpuLimits } from '../../ml/runtime/backend';
import type { BackendName } from '../../ml/core/vocab';
import type { Prediction } from '../../ml/runtime/backbone';
import type { ModelMeta } from '../../ml/core/metadata';
import type { Aggregate, ScoreTarget } from '../../ml/saliency/gradients';
import type { SaliencyMethod } from '../../ml/core/vocab';
import type { FilterTiles, LayerActivations } from '../../ml/saliency/activations';

export type { Prediction };

export type BackendChoice = BackendName | 'auto';

export type ModelSource =
  | { kind: 'url'; url: string; name?: string }
  /** model.json first, then the weight shards, as picked or dropped by the user. */
  | { kind: 'files'; files: File[] };

export interface ImagePixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

export interface LoadedModel {
  meta: ModelMeta;
  metaFromFile: boolean;
  warnings: string[];
  /** Where the weights came from this time. */
  from: 'network' | 'cache' | 'files';
  bytes: number;
  ms: number;
  params: number;
  /** Layers with a spatial output (Grad-CAM candidates), input → output. */
  spatialLayers: string[];
  /** Grad-CAM's default layer: the metadata's trunk output, else the last spatial layer. */
  camLayer: string | null;
  /** The layers topology (no weights), for the architecture view. */
  topology: unknown;
}

export interface SaliencyParams {
  method: SaliencyMethod;
  aggregate: Aggregate;
  target: ScoreTarget;
  samples: number;
  noisePct: number;
  steps: number;
  baseline: 'black' | 'blur';
  layer: string | null;
  batchSize: number;
}

export interface SaliencyResult {
  map: Float32Array;
  width: number;
  height: number;
  classIndex: number;
  label: string;
  /** The class's logit (unnormalised score). */
  score: number;
  maxGrad: number;
  top: Prediction[];
  /** The network input after resize/crop, back in 0..255 RGBA, to show what the net sees. */
  input: Uint8ClampedArray;
  method: SaliencyMethod;
  ms: number;
  backend: string;
}

export interface ClassModelParams {
  classIndex: number;
  steps: number;
  l2: number;
  lr: number;
  every: number;
}

export type { FilterTiles, LayerActivations };

export interface ActivationsResult {
  maps: LayerActivations;
  /** The first convolution's filters as RGB tiles, when that is the layer asked for. */
  filters: FilterTiles | null;
  /** Served from the worker's per-(model, image, layer) cache. */
  cached: boolean;
  ms: number;
}

export interface CacheEntry {
  key: string;
  url: string;
  bytes: number;
  date: string;
}

/** Requests, keyed on `type`; each carries an `id` the answer echoes. */
export type Request =
  | { type: 'init'; id: number; backend: BackendChoice; wasmPaths: Record<string, string>; gpuLimits?: GpuLimits }
  | { type: 'loadModel'; id: number; source: ModelSource; useCache: boolean }
  | { type: 'updateMeta'; id: number; patch: Partial<ModelMeta> }
  | { type: 'classify'; id: number; image: ImagePixels; topK: number }
  | { type: 'memory'; id: number }
  | { type: 'listCache'; id: number }
  | { type: 'clearCache'; id: number }
  /** classIndex null = the top-1 class. */
  | { type: 'saliency'; id: number; image: ImagePixels; classIndex: number | null; params: SaliencyParams }
  | { type: 'classModel'; id: number; params: ClassModelParams }
  /** One layer's feature maps for an image; layer null = the first colour convolution. `imageKey` names the image for the cache. */
  | { type: 'activations'; id: number; image: ImagePixels; imageKey: string; layer: string | null; maxChannels: number }
  /** Handled at once, not queued (maps go on meanwhile): download a model into the IndexedDB model cache without loading it. */
  | { type: 'prefetch'; id: number; url: string }
  /** Handled at once, not queued: stops the multi-pass request `target` at its next step. */
  | { type: 'cancel'; id: number; target: number }
  /** Test hook: lose the GPU device for real (WebGPU destroy, WebGL lose_context), or fake it on WASM/CPU. */
  | { type: 'simulateDeviceLoss'; id: number }
  /** Test hook: an error no request catches (the worker's onerror), as a bug or a library callback would throw. */
  | { type: 'simulateCrash'; id: number };

/** The result type of each request type. */
export interface ResultMap {
  init: BackendInfo;
  loadModel: LoadedModel;
  updateMeta: ModelMeta;
  classify: { top: Prediction[]; ms: number };
  memory: MemoryInfo;
  listCache: CacheEntry[];
  clearCache: { removed: number };
  saliency: SaliencyResult;
  classModel: { rgba: Uint8ClampedArray; width: number; height: number; score: number; steps: number };
  activations: ActivationsResult;
  prefetch: { bytes: number; from: 'network' | 'cache' };
  cancel: { cancelled: boolean };
  simulateDeviceLoss: { how: string };
  simulateCrash: { thrown: true };
}

export type RequestType = Request['type'];
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

export type { SerializedError };

export type WorkerEvent =
  | { [T in RequestType]: { type: 'result'; id: number; request: T; result: ResultMap[T] } }[RequestType]
  | { type: 'error'; id: number; error: SerializedError }
  | { type: 'progress'; id: number; loaded: number; total: number; phase: string }
  | { type: 'frame'; id: number; rgba: Uint8ClampedArray; width: number; height: number; step: number; score: number };
