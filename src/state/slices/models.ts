/** The models on offer (installed and embedded), the loaded one, and loading progress. */
import type { LoadedModel } from '../../worker/model/protocol';

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

export interface ModelsSlice {
  index: ModelIndexEntry[];
  indexState: 'loading' | 'ready' | 'missing' | 'error';
  indexError: string | null;
  current: { label: string; origin: string; info: LoadedModel } | null;
  loading: { label: string; loaded: number; total: number; phase: string } | null;
  loadError: string | null;
  cacheBytes: number | null;
  /** The course's model (VGG16 / AlexNet) downloading into the model cache in the background, by index id. */
  courseFetch: { id: string; loaded: number; total: number; state: 'downloading' | 'ready' | 'error'; error?: string } | null;
}

export const initialModels = (): ModelsSlice => ({ index: [], indexState: 'loading', indexError: null, current: null, loading: null, loadError: null, cacheBytes: null, courseFetch: null });
