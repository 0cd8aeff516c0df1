/// <reference lib="webworker" />
/** The training worker's entry: images decoded with the browser's own decoder, the IndexedDB feature cache and resume store, the shared queue. */
import { del, delMany, get, keys, set, setMany } from 'idb-keyval';
import { decodeImageFile } from '../../lib/imageFile';
import { serveWorker } from '../shared/serve';
import { createTrainHandler } from './handler';
import type { TrainEvent, TrainRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

/** The page's decoder (header size check, EXIF, alpha over white), as RGBA for the pipeline. */
async function decode(bytes: Blob | Uint8Array) {
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes as BlobPart]);
  const px = await decodeImageFile(blob);
  return { ...px, channels: 4 as const };
}

serveWorker<TrainRequest>(scope, createTrainHandler((e: TrainEvent, transfer?: Transferable[]) => scope.postMessage(e, transfer ?? []), { decode, store: { get, set, keys, del, setMany, delMany }, modelCache: true }));
