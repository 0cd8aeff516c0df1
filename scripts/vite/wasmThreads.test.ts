/** The wasm-threads Vite plugin against the installed tfjs-backend-wasm: the text it rewrites is there, once. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SCRIPT_DIR_REPLACEMENT, SCRIPT_DIR_TEST, THREADED_FACTORY, rewriteThreadedFactory, wasmThreads } from './wasmThreads';

const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const factoryPath = join(pkgDir, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');

describe('wasmThreads', () => {
  it('finds the _scriptDir test once in the installed threaded factory and removes it', () => {
    const code = readFileSync(factoryPath, 'utf8');
    expect(THREADED_FACTORY.test(factoryPath)).toBe(true);
    const out = rewriteThreadedFactory(code, factoryPath);
    expect(out).not.toContain(SCRIPT_DIR_TEST);
    expect(out.length).toBeGreaterThan(code.length - SCRIPT_DIR_TEST.length);
  });

  it('leaves the factory text free of _scriptDir except the main-thread worker hand-off', () => {
    // What the thread workers evaluate is the inner factory function's text; after the rewrite the
    // `_scriptDir` left in it is read only where `document.currentScript` exists (the page) and in
    // the `urlOrBlob` hand-off, which runs on the thread that spawns workers, never in one.
    const out = rewriteThreadedFactory(readFileSync(factoryPath, 'utf8'));
    const inner = out.slice(out.indexOf('function(WasmBackendModuleThreadedSimd)'));
    expect(inner.match(/_scriptDir/g) ?? []).toHaveLength(2);
    expect(inner).toContain(`if(${SCRIPT_DIR_REPLACEMENT}){scriptDirectory=_scriptDir}`);
    expect(inner).toContain('Module["mainScriptUrlOrBlob"]||_scriptDir');
  });

  it('throws loudly when there is nothing to rewrite', () => {
    expect(() => rewriteThreadedFactory('var x = 1;', 'changed.js')).toThrow(/expected the test .* once in changed\.js, found it 0 times/);
  });

  it('transforms only the threaded factory', () => {
    const plugin = wasmThreads();
    const transform = plugin.transform as (code: string, id: string) => { code: string } | null;
    expect(transform.call({}, SCRIPT_DIR_TEST, '/x/node_modules/@tensorflow/tfjs-core/dist/index.js')).toBeNull();
    expect(transform.call({}, `if(${SCRIPT_DIR_TEST}){}`, factoryPath)!.code).not.toContain('_scriptDir');
    expect(() => transform.call({}, 'nothing here', factoryPath)).toThrow(/found it 0 times/);
  });
});
