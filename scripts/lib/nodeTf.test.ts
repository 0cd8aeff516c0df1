/** WASM threads in Node: the patch is applied, the backend gets its threads, results match 1 thread, processes exit. */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../../test/shared';
import { tfReady } from '../../test/tfSetup';
import { nodeWasmThreads, wasmNodeBundle, wasmThreadsPatched } from './nodeTf';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string>; scripts: Record<string, string> };
const installed = (name: string) => (JSON.parse(readFileSync(join(ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { version: string }).version;

describe('the tfjs-backend-wasm patch', () => {
  it('is committed for the exact version package.json pins and installs, and npm install applies it', () => {
    const version = installed('@tensorflow/tfjs-backend-wasm');
    expect(readdirSync(join(ROOT, 'patches'))).toContain(`@tensorflow+tfjs-backend-wasm+${version}.patch`);
    for (const name of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-webgpu']) {
      expect(pkg.dependencies[name], `${name} must be pinned exactly (the patch is for one version's text)`).toBe(version);
      expect(installed(name)).toBe(version);
    }
    expect(pkg.scripts.postinstall).toBe('patch-package');
  });

  it('is applied in node_modules (else run npm install)', () => {
    expect(wasmThreadsPatched()).toBe(true);
    const bundle = readFileSync(wasmNodeBundle().bundle, 'utf8');
    expect(bundle).toContain("require$$1.join(__dirname, '../wasm-out/tfjs-backend-wasm-threaded-simd.js')");
  });
});

describe('nodeWasmThreads', () => {
  it('is min(2, cores) by default and TFJS_WASM_THREADS otherwise', () => {
    expect(nodeWasmThreads({}, 1)).toBe(1);
    expect(nodeWasmThreads({}, 2)).toBe(2);
    expect(nodeWasmThreads({}, 16)).toBe(2);
    expect(nodeWasmThreads({ TFJS_WASM_THREADS: '1' }, 16)).toBe(1);
    expect(nodeWasmThreads({ TFJS_WASM_THREADS: ' 4 ' }, 2)).toBe(4);
    expect(nodeWasmThreads({ TFJS_WASM_THREADS: '' }, 2)).toBe(2);
    for (const bad of ['0', '-1', '1.5', 'two']) expect(() => nodeWasmThreads({ TFJS_WASM_THREADS: bad }, 2)).toThrow(/TFJS_WASM_THREADS/);
  });
});

describe('initNodeBackend', () => {
  beforeAll(tfReady);

  it('runs the WASM backend on the threads asked for (2 on a 2-core machine)', () => {
    expect(tf.getBackend()).toBe('wasm');
    // The pool never outgrows the cores (the C++ cap, lifted from half the cores to all of them).
    expect(getThreadsCount()).toBe(Math.min(nodeWasmThreads(), availableParallelism()));
  });
});

describe('a process on 2 threads', () => {
  const child = (threads: string) => {
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'test/nodeThreadsChild.ts')], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, TFJS_WASM_THREADS: threads },
      // A pthread worker that keeps the process alive would hang here: the timeout turns that into a failure.
      timeout: 60_000,
    });
    expect(r.signal, `the child did not exit by itself: ${r.stderr}`).toBeNull();
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim()) as { backend: string; threads: number; logits: number[]; g1: number[]; g2: number[] };
  };

  it('exits by itself, and gives the 1-thread logits and gradients within float tolerance', () => {
    const one = child('1');
    const two = child(String(Math.min(2, availableParallelism())));
    expect(one).toMatchObject({ backend: 'wasm', threads: 1 });
    expect(two).toMatchObject({ backend: 'wasm', threads: Math.min(2, availableParallelism()) });
    for (const key of ['logits', 'g1', 'g2'] as const) {
      const a = one[key];
      const b = two[key];
      expect(b.length).toBe(a.length);
      const scale = Math.max(...a.map(Math.abs));
      expect(scale).toBeGreaterThan(0);
      const worst = Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
      expect(worst, key).toBeLessThan(1e-5 * scale);
    }
  }, 120_000);
});
