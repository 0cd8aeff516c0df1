/// <reference lib="webworker" />
/** The training worker's entry: images decoded with the browser's own decoder, the IndexedDB feature cache, the shared queue. */
import { del, get, keys, set } from 'idb-keyval';
import { serveWorker } from '../shared/serve';
import { createTrainHandler } from './handler';
import type { TrainEvent, TrainRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;

async function decode(bytes: Blob | Uint8Array) {
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes as BlobPart]);
  const bmp = await createImageBitmap(blob);
  try {
    const canvas = new OffscreenCanvas(bmp.width, bmp.height);
    const ctx = canvas.getContext('2d')!;
    ctx.drawImage(bmp, 0, 0);
    const img = ctx.getImageData(0, 0, bmp.width, bmp.height);
    return { data: img.data, width: img.width, height: img.height, channels: 4 as const };
  } finally {
    bmp.close();
  }
}

serveWorker<TrainRequest>(scope, createTrainHandler((e: TrainEvent, transfer?: Transferable[]) => scope.postMessage(e, transfer ?? []), { decode, store: { get, set, keys, del }, modelCache: true }));
