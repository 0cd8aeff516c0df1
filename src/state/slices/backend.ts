/** Which TF.js backend the model worker runs on, the user's choice, and its memory. */
import type { BackendInfo } from '../../ml/runtime/backend';
import { isBackendName } from '../../ml/core/vocab';
import type { BackendChoice, MemoryInfo } from '../../worker/model/protocol';

export interface BackendSlice {
  backend: BackendInfo | null;
  backendChoice: BackendChoice;
  backendError: string | null;
  memory: MemoryInfo | null;
}

export const BACKEND_STORAGE_KEY = 'transferlens.backend';

function storedBackend(): BackendChoice {
  try {
    const v = globalThis.localStorage?.getItem(BACKEND_STORAGE_KEY);
    if (v && isBackendName(v)) return v;
  } catch {
    /* storage may be blocked */
  }
  return 'auto';
}

export const initialBackend = (): BackendSlice => ({ backend: null, backendChoice: storedBackend(), backendError: null, memory: null });
