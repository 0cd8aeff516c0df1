/** TF.js in Node: WASM backend (tfjs-node cannot install here), CPU as the fallback. */
import { selectBackend, type BackendInfo, isBackendName } from '../../src/ml/runtime/backend';

export async function initNodeBackend(): Promise<BackendInfo> {
  const forced = process.env.TFJS_BACKEND;
  const order = forced && isBackendName(forced) ? [forced] : (['wasm', 'cpu'] as const);
  return selectBackend(order);
}
