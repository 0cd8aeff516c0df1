/**
 * The model list and the sample photos the app offers: what `npm run assets` installed
 * (models/index.json) and the committed default (embedded/index.json). Pure data and fetches.
 */
import { EMBEDDED_INDEX_URL } from '../config';
import type { ModelIndexEntry } from './slices/models';

/** Installed models first; the embedded default after them, unless one with its id is installed. */
export function mergeIndex(installed: ModelIndexEntry[], embedded: ModelIndexEntry[]): ModelIndexEntry[] {
  const ids = new Set(installed.map((m) => m.id));
  return [...installed, ...embedded.filter((m) => !ids.has(m.id)).map((m) => ({ ...m, embedded: true }))];
}

export interface SamplePhoto {
  file: string;
  url: string;
  subject: string;
  /** ImageNet classes that count as a right answer (the embedded model's top-1 is one of them). */
  expect: number[];
}

let samples: Promise<SamplePhoto[]> | null = null;

/** The sample photos (fetched once per page). */
export function samplePhotos(): Promise<SamplePhoto[]> {
  samples ??= fetch(EMBEDDED_INDEX_URL)
    .then((r) => (r.ok ? (r.json() as Promise<{ images?: SamplePhoto[] }>) : { images: [] }))
    .then((j) => (Array.isArray(j.images) ? j.images.filter((i) => typeof i.file === 'string' && typeof i.url === 'string') : []))
    .catch(() => {
      samples = null; // try again next time
      return [];
    });
  return samples;
}
