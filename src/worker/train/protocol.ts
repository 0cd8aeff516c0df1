/** Protocol of the training worker (types only). */
import type { MemoryInfo } from '../shared/memory';
import type { BackendInfo, GpuLimits } from '../../ml/runtime/backend';
import type { BackendName } from '../../ml/core/vocab';
import type { LayerRow } from '../../ml/core/surgery';
import type { Strategy } from '../../ml/core/vocab';
import type { Checkpoint, EpochStats } from '../../ml/training/loop';
import type { TrainConfig } from '../../ml/core/vocab';

export type DatasetSource =
  /** Files from a dropped or picked folder (their relative paths give the classes), or a .zip. */
  | { kind: 'files'; files: File[]; paths: string[] }
  | { kind: 'manifest'; url: string; baseUrl?: string };

export interface DatasetSummary {
  name: string;
  classes: string[];
  counts: number[];
  train: number;
  val: number;
  warnings: string[];
  /** A few items per class for the thumbnail grid (object URLs are made on the page). */
  samples: { label: number; source: string }[];
  /** Up to two validation paintings per class: never trained on, so "Try it" offers them. */
  heldOut: { label: number; source: string }[];
  signature: string;
}

export interface RunSummary {
  epochs: EpochStats[];
  best: { epoch: number; valAcc: number };
  confusion: number[][];
  precisionRecall: { precision: number; recall: number }[];
  featureMs: number;
  fromCache: boolean;
  imagesPerSecond: number;
  unreadable: number;
  /** The first few unreadable items' file names, so the page can name them. */
  unreadableNames?: string[];
  stopped: boolean;
  /** The most confident mistakes: validation item sources with true/predicted class. */
  mistakes: { source: string; truth: number; predicted: number; confidence: number }[];
  /** Validation items per confusion cell, for opening the images behind a cell. */
  cells: Record<string, string[]>;
}

export interface TrainModelInfo {
  name: string;
  arch: string;
  strategies: Strategy[];
  trunkOutput: string | null;
  classifierLayers: string[];
  /** The layers topology (no weights), for the architecture view. */
  topology: unknown;
}

export type TrainRequest =
  | { type: 'init'; id: number; backend: BackendName | 'auto'; wasmPaths: Record<string, string>; gpuLimits?: GpuLimits }
  | { type: 'loadModel'; id: number; url: string }
  | { type: 'loadDataset'; id: number; source: DatasetSource; valFraction: number; seed: number }
  | { type: 'plan'; id: number; strategy: Strategy; unfreezeBlock?: boolean }
  /** resume: a checkpoint the page holds (a backend failover); resumeStored: the one a reload left in IndexedDB (resumeStore.ts). */
  | { type: 'train'; id: number; strategy: Strategy; config: TrainConfig; resume?: Checkpoint; resumeStored?: boolean }
  | { type: 'pause'; id: number; paused: boolean }
  /** The model worker started (busy) or ended its work: where the two share the cores, a run waits between batches meanwhile. */
  | { type: 'modelBusy'; id: number; busy: boolean }
  | { type: 'stop'; id: number }
  /** Test hook: lose the GPU device for real (WebGPU destroy, WebGL lose_context), or fake it on WASM/CPU. */
  | { type: 'simulateDeviceLoss'; id: number }
  | { type: 'export'; id: number; which: 'best' | 'last' }
  | { type: 'cacheInfo'; id: number }
  /** Test hook (window.transferlens.memory): the training worker's tensors and heap. */
  | { type: 'memory'; id: number }
  /** "Which layer to cut?": a linear classifier on features from each layer, same split and seed. */
  | { type: 'probe'; id: number; layers: string[]; epochs: number; seed: number }
  /** The last run's features in two dimensions, one point per painting: the trunk's, or what the fine-tuned head computes from them. */
  | { type: 'embedding'; id: number; method: EmbeddingMethod; space: EmbeddingSpace }
  | { type: 'clearCache'; id: number };

export type EmbeddingMethod = 'pca' | 'umap';
export type EmbeddingSpace = 'trunk' | 'head';

export interface TrainResultMap {
  /** `yieldsToModel`: runs wait between batches while the model worker computes (a CPU-bound backend on shared cores). */
  init: BackendInfo & { yieldsToModel: boolean };
  loadModel: TrainModelInfo;
  loadDataset: DatasetSummary;
  plan: { rows: LayerRow[]; note?: string; error?: string };
  train: RunSummary;
  pause: { paused: boolean };
  /** Whether a run now waits for the model worker (false where this worker does not share its cores). */
  modelBusy: { yielding: boolean };
  stop: { stopping: boolean };
  simulateDeviceLoss: { how: string };
  export: { files: { name: string; bytes: Uint8Array }[] };
  cacheInfo: { entries: number; images: number; bytes: number };
  /** `yieldedToModel`: how often, and how long in all, runs waited for the model worker. */
  memory: MemoryInfo & { yieldedToModel?: { count: number; ms: number } };
  /** `fromCache`: the depths whose features came from the persistent feature cache (no forward pass). */
  probe: { layers: { layer: string; dim: number; valAcc: number; ms: number }[]; chance: number; fromCache: string[]; ms: number };
  embedding: {
    points: { x: number; y: number; label: number; source: string; split: 'train' | 'val' }[];
    method: EmbeddingMethod;
    space: EmbeddingSpace;
    /** The layer whose output is drawn, and for the head space whether it is a hidden layer or the class scores. */
    layer: string;
    kind: 'trunk' | 'hidden' | 'scores';
    ms: number;
  };
  clearCache: { removed: number };
}

export type TrainEvent =
  | { [T in TrainRequest['type']]: { type: 'result'; id: number; request: T; result: TrainResultMap[T] } }[TrainRequest['type']]
  | { type: 'error'; id: number; error: { name: string; message: string; stack?: string } }
  | { type: 'phase'; id: number; phase: 'download' | 'features' | 'train'; done: number; total: number; note?: string }
  | { type: 'batch'; id: number; epoch: number; batch: number; batches: number; loss: number }
  | { type: 'epoch'; id: number; stats: EpochStats }
  | { type: 'checkpoint'; id: number; checkpoint: Checkpoint };
