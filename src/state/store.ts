/**
 * One Zustand store built from typed slices. Plain data only: no tensors, no Worker
 * objects. Actions live in ./actions.ts as module-level functions.
 */
import { create } from 'zustand';
import type { BackendInfo } from '../ml/backend';
import type { Prediction } from '../ml/backbone';
import type { BackendChoice, LoadedModel, MemoryInfo } from '../worker/protocol';

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
}

export type AppState = BackendSlice & ModelsSlice & ClassifySlice & UiSlice;

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
});

export const useStore = create<AppState>()(() => initialState());
