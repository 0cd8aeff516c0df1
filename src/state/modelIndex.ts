/**
 * The model list and the sample photos the app offers: what `npm run assets` installed
 * (models/index.json) and the committed default (embedded/index.json). Pure data and fetches.
 */
import { EMBEDDED_INDEX_URL } from '../config';
import type { ModelIndexEntry } from './slices/models';

/** The course's networks first (VGG16, AlexNet), then SqueezeNet, then plain TF.js models. */
const ARCH_RANK: Record<string, number> = { vgg16: 0, alexnet: 1, squeezenet1_1: 2 };

/**
 * One list from what is installed and the embedded default: the course's models lead, the
 * embedded SqueezeNet comes before models without an architecture we know, and an installed
 * model with the embedded id replaces it.
 */
export function mergeIndex(installed: ModelIndexEntry[], embedded: ModelIndexEntry[]): ModelIndexEntry[] {
  const ids = new Set(installed.map((m) => m.id));
  const all = [...installed, ...embedded.filter((m) => !ids.has(m.id)).map((m) => ({ ...m, embedded: true }))];
  const rank = (m: ModelIndexEntry) => (ARCH_RANK[m.arch] ?? 9) + (m.embedded ? 0.5 : 0);
  return all.map((m, i) => ({ m, i })).sort((a, b) => rank(a.m) - rank(b.m) || a.i - b.i).map(({ m }) => m);
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
