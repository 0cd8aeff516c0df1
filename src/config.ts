/** Visual and numeric defaults in one place. No imports: both the UI and src/ml read it. */

/** The largest image accepted (pixels); bigger ones get a clear message instead of an out-of-memory crash. */
export const MAX_IMAGE_PIXELS = 50_000_000;
export const TOP_K = 5;
export const MODELS_INDEX_URL = 'models/index.json';
/** The committed default (a small real-weights model and sample photos) every build serves. */
export const EMBEDDED_INDEX_URL = 'embedded/index.json';
export const MEMORY_POLL_MS = 2000;
