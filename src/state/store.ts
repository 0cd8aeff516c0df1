/**
 * One Zustand store built from typed slices (Zustand's slices pattern): each slice in ./slices
 * owns its type and initial state; the store only spreads them. Plain data only: no tensors,
 * no Worker objects. Actions are module-level functions in the *Actions.ts files.
 */
import { create } from 'zustand';
import { initialBackend, type BackendSlice } from './slices/backend';
import { initialClassify, type ClassifySlice } from './slices/classify';
import { initialModels, type ModelsSlice } from './slices/models';
import { initialSaliency, type SaliencySlice } from './slices/saliency';
import { initialTransfer, type TransferSlice } from './slices/transfer';
import { initialUi, type UiSlice } from './slices/ui';

export type { BackendSlice, ClassifySlice, ModelsSlice, SaliencySlice, TransferSlice, UiSlice };
export type { ModelIndexEntry } from './slices/models';
export type { SalImage } from './slices/saliency';
export type { Screen } from './slices/ui';
export type { SavedRun } from './slices/transfer';
export { BACKEND_STORAGE_KEY } from './slices/backend';
export { DEFAULT_SALIENCY_PARAMS } from './slices/saliency';

export type AppState = BackendSlice & ModelsSlice & ClassifySlice & UiSlice & SaliencySlice & TransferSlice;

export const initialState = (): AppState => ({ ...initialBackend(), ...initialModels(), ...initialClassify(), ...initialUi(), ...initialSaliency(), ...initialTransfer() });

export const useStore = create<AppState>()(() => initialState());
