/** The decode worker's client: one worker for the page, decoding files one after another. */
import { WorkerClient } from '../shared/client';
import type { DecodeEvent, DecodeRequest, DecodeResultMap } from './protocol';

let client: WorkerClient<DecodeRequest, DecodeResultMap, DecodeEvent> | null = null;

export function decodeOffThread(file: Blob & { name?: string }): Promise<DecodeResultMap['decode']> {
  client ??= new WorkerClient(() => new Worker(new URL('./decode.worker.ts', import.meta.url), { type: 'module', name: 'decode' }), 'decode', () => {
    client = null; // a crashed decoder is started again for the next file
  });
  return client.request<'decode'>({ type: 'decode', file });
}
