/** Node backend for unit tests: WASM (as the app's fallback) unless TFJS_BACKEND says otherwise. */
import { initNodeBackend } from '../scripts/lib/nodeTf';

let ready: Promise<unknown> | undefined;
export function tfReady(): Promise<unknown> {
  ready ??= initNodeBackend();
  return ready;
}
