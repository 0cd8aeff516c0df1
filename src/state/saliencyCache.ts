/**
 * Maps already computed, kept by what made them (image, class, method and the method's own
 * settings), so switching back to a method or a class shows its map at once instead of
 * computing it again (SmoothGrad on a grid of photos took tens of seconds on a CPU).
 *
 * Plain data, no React: the saliency actions look here before they ask the worker. Bounded by
 * bytes, least recently used first out; emptied when the model changes.
 */
import type { SaliencyParams, SaliencyResult } from '../worker/model/protocol';

/** About 40 maps at the working size (a map and its network input, ~0.4 MB each at 224²). */
export const CACHE_BYTES = 64 * 2 ** 20;

const maps = new Map<string, SaliencyResult>();
let bytes = 0;
/** Each image's top-1 class, once a map of it is known: "the top-1" and that class are one map. */
const top1 = new Map<string, number>();
/** Bumped when the model changes: a key made before then can no longer be stored. */
let model = 0;

/** The settings a method's map depends on (not the batch size: that changes only the speed). */
function settings(p: SaliencyParams): (string | number)[] {
  switch (p.method) {
    case 'smoothgrad':
      return [p.aggregate, p.target, p.samples, p.noisePct];
    case 'integrated-gradients':
      return [p.aggregate, p.target, p.steps, p.baseline];
    case 'gradcam':
      return [p.target, p.layer ?? 'default'];
    default:
      return [p.aggregate, p.target];
  }
}

/** `classIndex` null: the network's top-1 class for that image. */
export function mapKey(imageId: string, classIndex: number | null, p: SaliencyParams): string {
  return [model, imageId, classIndex ?? top1.get(imageId) ?? 'top1', p.method, ...settings(p)].join('|');
}

function size(r: SaliencyResult): number {
  return r.map.byteLength + r.input.byteLength;
}

export function cachedMap(key: string): SaliencyResult | undefined {
  const r = maps.get(key);
  if (r) {
    // Most recently used last.
    maps.delete(key);
    maps.set(key, r);
  }
  return r;
}

/** Keeps a result under each of the keys that describe it (a top-1 map is also its class's map). */
export function rememberMap(keys: string[], r: SaliencyResult): void {
  for (const made of keys) {
    if (!made.startsWith(`${model}|`)) continue;
    const parts = made.split('|');
    const best = r.top[0];
    if (best) {
      top1.set(parts[1]!, best.index);
      // A key made before the top-1 was known names it now, as later lookups will.
      if (parts[2] === 'top1') parts[2] = String(best.index);
    }
    const key = parts.join('|');
    const old = maps.get(key);
    if (old) {
      bytes -= size(old);
      maps.delete(key);
    }
    maps.set(key, r);
    bytes += size(r);
  }
  for (const [key, old] of maps) {
    if (bytes <= CACHE_BYTES) break;
    maps.delete(key);
    bytes -= size(old);
  }
}

/** An image was removed: its maps go with it. */
export function forgetImage(imageId: string): void {
  top1.delete(imageId);
  for (const [key, r] of maps) {
    if (key.split('|')[1] === imageId) {
      maps.delete(key);
      bytes -= size(r);
    }
  }
}

/** A new model (or the same one on another backend): every kept map is stale. */
export function forgetAllMaps(): void {
  maps.clear();
  top1.clear();
  bytes = 0;
  model++;
}

/** For tests: how many entries and bytes are kept. */
export function cacheStats(): { entries: number; bytes: number } {
  return { entries: maps.size, bytes };
}
