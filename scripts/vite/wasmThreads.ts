/**
 * The Vite plugin that lets tfjs-backend-wasm's pthread workers start in a minified build.
 *
 * tfjs-backend-wasm sends its Emscripten factory to each thread worker as text
 * (`wasmFactoryThreadedSimd.toString()`), without the closure around it that declares
 * `_scriptDir`. Unminified, the factory's `typeof _scriptDir !== "undefined" && _scriptDir` is
 * false there; minified, `_scriptDir` becomes `e` and the minifier, seeing `e` declared, drops
 * the `typeof` guard: every thread worker throws `ReferenceError: e is not defined` (tfjs#8513).
 * The rewrite replaces that test with what `_scriptDir` holds in a browser (its closure sets it
 * from `document.currentScript`, or `__filename` in Node only), written with no closure variable:
 * the same value on the page, and false in a thread worker, as before minification.
 */
import type { Plugin } from 'vite';

/** The file (inside @tensorflow/tfjs-backend-wasm) whose factory the thread workers re-evaluate. */
export const THREADED_FACTORY = /tfjs-backend-wasm[\\/]wasm-out[\\/]tfjs-backend-wasm-threaded-simd\.js$/;
/** The test, exactly as tfjs-backend-wasm 4.22.0 ships it. */
export const SCRIPT_DIR_TEST = 'typeof _scriptDir !== "undefined" && _scriptDir';
export const SCRIPT_DIR_REPLACEMENT = '(typeof document !== "undefined" && document.currentScript ? document.currentScript.src : undefined)';

/** The factory's source with the closure-free test; throws if there is nothing to rewrite. */
export function rewriteThreadedFactory(code: string, id = 'tfjs-backend-wasm-threaded-simd.js'): string {
  const count = code.split(SCRIPT_DIR_TEST).length - 1;
  if (count !== 1)
    throw new Error(
      `wasmThreads: expected the test \`${SCRIPT_DIR_TEST}\` once in ${id}, found it ${count} times — ` +
        'tfjs-backend-wasm changed; check the thread workers of a minified build and update scripts/vite/wasmThreads.ts',
    );
  return code.replace(SCRIPT_DIR_TEST, SCRIPT_DIR_REPLACEMENT);
}

/** Register in both `plugins` and `worker.plugins`: the backend is bundled into the app's workers. */
export function wasmThreads(): Plugin {
  let seen = false;
  return {
    name: 'transferlens:wasm-threads',
    enforce: 'pre',
    transform(code, id) {
      if (!THREADED_FACTORY.test(id.split('?')[0]!)) return null;
      seen = true;
      return { code: rewriteThreadedFactory(code, id), map: null };
    },
    buildEnd(error) {
      // A build that bundles the wasm backend must have passed through transform above; the
      // main bundle does too (the page imports the worker clients' wasm URLs only), so only
      // complain where the backend's entry was part of this build.
      if (error || seen) return;
      const ids = [...this.getModuleIds()];
      if (ids.some((m) => /tfjs-backend-wasm[\\/]dist[\\/]backend_wasm\.js$/.test(m)))
        this.error(`wasmThreads: tfjs-backend-wasm was bundled but ${THREADED_FACTORY} never was — its layout changed`);
    },
  };
}
