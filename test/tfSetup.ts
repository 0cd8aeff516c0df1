/**
 * Node backend for unit tests: WASM (as the app's fallback) unless TFJS_BACKEND says otherwise,
 * with our kernels' helper threads ready (so a test runs the same split on every run).
 */
import { initNodeBackend } from '../scripts/lib/nodeTf';
import { helpersReady } from '../src/ml/runtime/wasm/pool';

let ready: Promise<unknown> | undefined;
export function tfReady(): Promise<unknown> {
  ready ??= initNodeBackend().then(helpersReady);
  return ready;
}
