/**
 * One Zustand store built from typed slices. Plain data only: no tensors, no Worker
 * objects. Actions live in ./actions.ts as module-level functions.
 */
import { create } from 'zustand';
import type { BackendInfo } from '../ml/runtime/backend';
import type { Prediction } from '../ml/runtime/backbone';
import type { BackendChoice, LoadedModel, MemoryInfo, SaliencyParams, SaliencyResult } from '../worker/model/protocol';
import type { Colormap } from '../viz/colormap';
import type { TransferSlice } from './transferSlice';
import { DEFAULT_SHARED } from './urlState';

export type Screen = 'home' | 'saliency' | 'transfer';

export interface ModelIndexEntry {
  id: string;
  name: string;
  arch: string;
  /** model.json, relative to the app. */
  url: string;
  bytes: number;
  quantize: string;
  source: string;
  /** The committed default model (public/embedded), not one `npm run assets` installed. */
  embedded?: boolean;
}

export interface BackendSlice {
  backend: BackendInfo | null;
  backendChoice: BackendChoice;
  backendError: string | null;
  memory: MemoryInfo | null;
}

export interface ModelsSlice {
  index: ModelIndexEntry[];
  indexState: 'loading' | 'ready' | 'missing' | 'error';
  indexError: string | null;
  current: { label: string; origin: string; info: LoadedModel } | null;
  loading: { label: string; loaded: number; total: number; phase: string } | null;
  loadError: string | null;
  cacheBytes: number | null;
}

export interface ClassifySlice {
  predictions: Prediction[] | null;
  classifyMs: number | null;
  classifyError: string | null;
  imageName: string | null;
  busy: boolean;
}

export interface UiSlice {
  screen: Screen;
  /** Projection mode: large type, high contrast, secondary controls hidden. */
  lecture: boolean;
  shortcutsOpen: boolean;
  learnOpen: boolean;
  /** A model (index id) asked for by a link or the last session. */
  preferredModel: string | null;
  /** A one-line message about something the app did on its own (e.g. a backend switch). */
  notice: string | null;
  /** Replay of a saved run on the charts. */
  replay: { runId: string; speed: number; step: number; playing: boolean } | null;
}

export interface SalImage {
  id: string;
  name: string;
  width: number;
  height: number;
  /** Decoded RGBA pixels, kept to recompute maps for other classes or methods. */
  pixels: Uint8ClampedArray;
  /** Object URL of the original file, for the thumbnail. */
  thumb: string;
  /** The sample image's file name, when it came from the app's samples (for links). */
  sample?: string;
}

export interface SaliencySlice {
  salImages: SalImage[];
  salActive: string | null;
  salResults: Record<string, SaliencyResult>;
  salParams: SaliencyParams;
  /** The class the maps explain; null = each image's top-1 class. */
  salClass: number | null;
  salDisplay: { colormap: Colormap; opacity: number; clip: number };
  salBusy: { imageId: string; done: number; total: number; method: string } | null;
  salError: string | null;
  salClassModel: { running: boolean; rgba: Uint8ClampedArray | null; width: number; height: number; step: number; score: number; classIndex: number | null };
}

export type AppState = BackendSlice & ModelsSlice & ClassifySlice & UiSlice & SaliencySlice & TransferSlice;

export const DEFAULT_SALIENCY_PARAMS: SaliencyParams = {
  method: 'vanilla',
  aggregate: 'max',
  target: 'logit',
  samples: 25,
  noisePct: 15,
  steps: 32,
  baseline: 'black',
  layer: null,
  batchSize: 1,
};

export const BACKEND_STORAGE_KEY = 'transferlens.backend';

function storedBackend(): BackendChoice {
  try {
    const v = globalThis.localStorage?.getItem(BACKEND_STORAGE_KEY);
    if (v === 'webgpu' || v === 'webgl' || v === 'wasm' || v === 'cpu') return v;
  } catch {
    /* storage may be blocked */
  }
  return 'auto';
}

export const initialState = (): AppState => ({
  backend: null,
  backendChoice: storedBackend(),
  backendError: null,
  memory: null,
  index: [],
  indexState: 'loading',
  indexError: null,
  current: null,
  loading: null,
  loadError: null,
  cacheBytes: null,
  predictions: null,
  classifyMs: null,
  classifyError: null,
  imageName: null,
  busy: false,
  screen: 'home',
  lecture: false,
  shortcutsOpen: false,
  learnOpen: false,
  preferredModel: null,
  notice: null,
  replay: null,
  salImages: [],
  salActive: null,
  salResults: {},
  salParams: { ...DEFAULT_SALIENCY_PARAMS },
  salClass: null,
  salDisplay: { colormap: 'viridis', opacity: 0.7, clip: 99 },
  salBusy: null,
  salError: null,
  salClassModel: { running: false, rgba: null, width: 0, height: 0, step: 0, score: 0, classIndex: null },
  tlModel: null,
  tlModelError: null,
  tlDataset: null,
  tlThumbs: {},
  tlDatasetBusy: false,
  tlDatasetError: null,
  tlStrategy: 'fc8',
  tlPlan: null,
  tlConfig: { ...DEFAULT_SHARED.config },
  tlValFraction: 0.2,
  tlStatus: 'idle',
  tlProgress: null,
  tlLive: null,
  tlRuns: [],
  tlCache: null,
  tlError: null,
  tlCell: null,
});

export const useStore = create<AppState>()(() => initialState());
