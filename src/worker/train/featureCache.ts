/**
 * The persistent feature cache (IndexedDB in the browser): trunk features keyed by model,
 * dataset, preprocessing, cut layer, pooling and augmentation, with a small summary beside
 * each entry so the status line never reads the arrays back.
 */
import type { Plan } from '../../ml/core/surgery';
import type { TrainConfig } from '../../ml/core/vocab';
import { fnv1a } from '../../ml/runtime/modelSource';
import type { FrozenCache, TrunkCache } from '../../ml/training/pipeline';

export const FEATURE_PREFIX = 'features:';
export const META_PREFIX = 'features-meta:';
/** What the frozen fc layers made of an entry's features (fc6 for fc8-only training, fc6+fc7 …). */
export const FROZEN_PREFIX = 'frozen:';

/** An IndexedDB-like key/value store (idb-keyval's functions). */
export interface KeyValueStore {
  get<T>(key: IDBValidKey): Promise<T | undefined>;
  set(key: IDBValidKey, value: unknown): Promise<void>;
  keys(): Promise<IDBValidKey[]>;
  del(key: IDBValidKey): Promise<void>;
}

export interface KeyParts {
  modelUrl: string;
  datasetSignature: string;
  preprocess: unknown;
  plan: Pick<Plan, 'trunkLayer' | 'pool'>;
  config: Pick<TrainConfig, 'augmentViews' | 'seed' | 'trunk'>;
}

export function featureKey(k: KeyParts): string {
  // Augmented views depend on their count and on the seed that drew the crops.
  const aug = k.config.augmentViews ? `:aug${k.config.augmentViews}s${k.config.seed}` : '';
  // A random trunk's features are their own (and depend on the seed that drew it).
  const trunk = k.config.trunk === 'random' ? `:random${k.config.seed}` : '';
  return `${FEATURE_PREFIX}${fnv1a(k.modelUrl)}:${k.datasetSignature}:${fnv1a(JSON.stringify(k.preprocess))}:${k.plan.trunkLayer}:${k.plan.pool}${aug}${trunk}`;
}

export function featureCache(store: KeyValueStore | null) {
  return {
    async get(key: string): Promise<TrunkCache | undefined> {
      try {
        return (await store?.get<TrunkCache>(key)) ?? undefined;
      } catch {
        return undefined;
      }
    },
    async put(key: string, trunk: TrunkCache): Promise<void> {
      try {
        await store?.set(key, trunk);
        await store?.set(`${META_PREFIX}${key}`, { images: trunk.used.length, bytes: trunk.x.byteLength + (trunk.aug?.x.byteLength ?? 0) });
      } catch {
        /* quota: the run still counts, only the cache is missing */
      }
    },
    /** The frozen layers' outputs for the features under `key` and these layers. */
    async getFrozen(key: string, layers: readonly string[]): Promise<FrozenCache | undefined> {
      try {
        return (await store?.get<FrozenCache>(`${FROZEN_PREFIX}${key}:${layers.join(',')}`)) ?? undefined;
      } catch {
        return undefined;
      }
    },
    async putFrozen(key: string, frozen: FrozenCache): Promise<void> {
      try {
        await store?.set(`${FROZEN_PREFIX}${key}:${frozen.layers.join(',')}`, frozen);
      } catch {
        /* quota: only the cache is missing */
      }
    },
    async info(): Promise<{ entries: number; images: number; bytes: number }> {
      let entries = 0;
      let images = 0;
      let bytes = 0;
      for (const k of (await store?.keys().catch(() => [])) ?? []) {
        if (typeof k !== 'string' || !k.startsWith(META_PREFIX)) continue;
        const v = await store!.get<{ images: number; bytes: number }>(k);
        if (!v) continue;
        entries++;
        images += v.images;
        bytes += v.bytes;
      }
      return { entries, images, bytes };
    },
    async clear(): Promise<{ removed: number }> {
      let removed = 0;
      for (const k of (await store?.keys().catch(() => [])) ?? []) {
        if (typeof k === 'string' && (k.startsWith(FEATURE_PREFIX) || k.startsWith(META_PREFIX) || k.startsWith(FROZEN_PREFIX))) {
          await store!.del(k);
          if (k.startsWith(FEATURE_PREFIX)) removed++;
        }
      }
      return { removed };
    },
  };
}
