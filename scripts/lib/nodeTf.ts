/** TF.js in Node: WASM backend (tfjs-node cannot install here), CPU as the fallback. */
import { selectBackend, type BackendInfo } from '../../src/ml/runtime/backend';
import { isBackendName } from '../../src/ml/core/vocab';

export async function initNodeBackend(): Promise<BackendInfo> {
  const forced = process.env.TFJS_BACKEND;
  const order = forced && isBackendName(forced) ? [forced] : (['wasm', 'cpu'] as const);
  return selectBackend(order);
}
