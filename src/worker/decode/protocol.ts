/** Protocol of the decode worker (types only): image files in, pixels out, off the page's main thread. */
import type { SerializedError } from '../shared/client';
import type { ImagePixels } from '../model/protocol';

export type DecodeRequest = { type: 'decode'; id: number; file: Blob & { name?: string } };
export interface DecodeResultMap {
  decode: ImagePixels & { originalWidth: number; originalHeight: number; thumb?: Blob };
}
export type DecodeEvent = { type: 'result'; id: number; request: 'decode'; result: DecodeResultMap['decode'] } | { type: 'error'; id: number; error: SerializedError };
