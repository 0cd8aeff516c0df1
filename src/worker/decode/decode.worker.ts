/// <reference lib="webworker" />
/**
 * The decode worker's entry: the page's decoder (header check, EXIF, alpha over white) runs here so
 * a 49 MP photo never freezes the page; very large photos come back scaled down (see lib/imageFile).
 */
import { decodeImageFile } from '../../lib/imageFile';
import { serializeError } from '../shared/errors';
import { serveWorker } from '../shared/serve';
import type { DecodeEvent, DecodeRequest } from './protocol';

const scope = self as unknown as DedicatedWorkerGlobalScope;
/** Photos above this are scaled down (high-quality resampling) before anything else sees them. */
const WORKING_PIXELS = 1_500_000;
/** Big photos get a small JPEG for the page to show: painting a 49 MP image costs the page's main thread. */
const THUMB_SIZE = 1024;
const post = (e: DecodeEvent, transfer: Transferable[] = []) => scope.postMessage(e, transfer);

const handle = Object.assign(
  async (req: DecodeRequest) => {
    try {
      const px = await decodeImageFile(req.file, { maxWorkingPixels: WORKING_PIXELS, thumbSize: THUMB_SIZE });
      post({ type: 'result', id: req.id, request: 'decode', result: px }, [px.data.buffer as ArrayBuffer]);
    } catch (e) {
      post({ type: 'error', id: req.id, error: serializeError(e) });
    }
  },
  { isImmediate: () => false },
);
serveWorker<DecodeRequest>(scope, handle);
