import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeModelDir } from '../../../scripts/lib/fsModel';
import { tfReady } from '../../../test/tfSetup';
import { makeRandomModelFiles } from '../../ml/convert/checkpoint';
import { createModelHandler } from './handler';
import type { Request, WorkerEvent } from './protocol';

let server: Server;
let base: string;
const dir = mkdtempSync(join(tmpdir(), 'tl-handler-'));

beforeAll(async () => {
  await tfReady();
  writeModelDir(join(dir, 'sq'), makeRandomModelFiles('squeezenet1_1', 5, { numClasses: 7, labels: ['a', 'b', 'c', 'd', 'e', 'f', 'g'] }));
  server = createServer((req, res) => {
    const p = join(dir, decodeURIComponent(new URL(req.url!, 'http://x').pathname));
    if (!existsSync(p)) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': p.endsWith('.json') ? 'application/json' : 'application/octet-stream' }).end(readFileSync(p));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

function harness() {
  const events: WorkerEvent[] = [];
  const handle = createModelHandler((e) => events.push(e));
  let id = 0;
  type Req = Request extends infer R ? (R extends unknown ? Omit<R, 'id'> : never) : never;
  const send = async (req: Req) => {
    const rid = ++id;
    await handle({ ...req, id: rid } as Request);
    const mine = events.filter((e) => e.id === rid);
    return { final: mine[mine.length - 1]!, progress: mine.filter((e) => e.type === 'progress') };
  };
  return { send };
}

const pixels = () => ({ data: new Uint8ClampedArray(300 * 200 * 4).map((_, i) => (i * 37) % 256), width: 300, height: 200 });

describe('model worker handler', () => {
  it('loads a model over HTTP with byte progress, then classifies', async () => {
    const { send } = harness();
    const init = await send({ type: 'init', backend: 'wasm', wasmPaths: {} });
    expect(init.final).toMatchObject({ type: 'result', request: 'init', result: { name: 'wasm' } });
    const load = await send({ type: 'loadModel', source: { kind: 'url', url: `${base}/sq/model.json` }, useCache: false });
    expect(load.final.type).toBe('result');
    const p = load.progress as Extract<WorkerEvent, { type: 'progress' }>[];
    expect(p.length).toBeGreaterThan(1);
    expect(p.at(-1)!.loaded).toBe(p.at(-1)!.total);
    for (let i = 1; i < p.length; i++) expect(p[i]!.loaded).toBeGreaterThanOrEqual(p[i - 1]!.loaded);
    const cls = await send({ type: 'classify', image: pixels(), topK: 3 });
    expect(cls.final).toMatchObject({ type: 'result', request: 'classify' });
    const top = (cls.final as { result: { top: { label: string; prob: number }[] } }).result.top;
    expect(top).toHaveLength(3);
    expect(top[0]!.prob).toBeGreaterThanOrEqual(top[1]!.prob);
    expect('abcdefg').toContain(top[0]!.label);
  });

  it('reports errors as {name, message} and keeps the working model after a failed load', async () => {
    const { send } = harness();
    await send({ type: 'init', backend: 'wasm', wasmPaths: {} });
    const early = await send({ type: 'classify', image: pixels(), topK: 3 });
    expect(early.final).toMatchObject({ type: 'error', error: { message: 'no model is loaded yet' } });
    await send({ type: 'loadModel', source: { kind: 'url', url: `${base}/sq/model.json` }, useCache: false });
    const tensors = tf.memory().numTensors;
    const bad = await send({ type: 'loadModel', source: { kind: 'url', url: `${base}/nope/model.json` }, useCache: false });
    expect(bad.final).toMatchObject({ type: 'error', error: { name: 'ModelLoadError' } });
    expect((bad.final as { error: { message: string } }).error.message).toMatch(/404/);
    expect(tf.memory().numTensors).toBe(tensors);
    const again = await send({ type: 'classify', image: pixels(), topK: 1 });
    expect(again.final.type).toBe('result');
  });

  it('updateMeta changes what classify reports', async () => {
    const { send } = harness();
    await send({ type: 'init', backend: 'wasm', wasmPaths: {} });
    await send({ type: 'loadModel', source: { kind: 'url', url: `${base}/sq/model.json` }, useCache: false });
    await send({ type: 'updateMeta', patch: { labels: ['A', 'B', 'C', 'D', 'E', 'F', 'G'] } });
    const cls = await send({ type: 'classify', image: pixels(), topK: 7 });
    const labels = (cls.final as { result: { top: { label: string }[] } }).result.top.map((t) => t.label).sort();
    expect(labels).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G']);
  });

  it('computes a saliency map (top-1 by default) and returns it with the network input', async () => {
    const { send } = harness();
    await send({ type: 'init', backend: 'wasm', wasmPaths: {} });
    await send({ type: 'loadModel', source: { kind: 'url', url: `${base}/sq/model.json` }, useCache: false });
    const params = { method: 'vanilla', aggregate: 'max', target: 'logit', samples: 3, noisePct: 10, steps: 3, baseline: 'black', layer: null, batchSize: 1 } as const;
    const r = await send({ type: 'saliency', image: pixels(), classIndex: null, params });
    expect(r.final.type).toBe('result');
    const res = (r.final as Extract<WorkerEvent, { type: 'result'; request: 'saliency' }>).result;
    expect(res.classIndex).toBe(res.top[0]!.index);
    expect(res.map).toHaveLength(224 * 224);
    expect(res.input).toHaveLength(224 * 224 * 4);
    expect(Math.max(...res.map)).toBeGreaterThan(0);
    const other = await send({ type: 'saliency', image: pixels(), classIndex: 3, params: { ...params, method: 'gradcam' } });
    expect((other.final as Extract<WorkerEvent, { type: 'result'; request: 'saliency' }>).result).toMatchObject({ classIndex: 3, label: 'd', method: 'gradcam' });
  });

  it('a cancel request stops a multi-pass map at its next step', async () => {
    const events: WorkerEvent[] = [];
    const handle = createModelHandler((e) => events.push(e));
    await handle({ type: 'init', id: 1, backend: 'wasm', wasmPaths: {} });
    await handle({ type: 'loadModel', id: 2, source: { kind: 'url', url: `${base}/sq/model.json` }, useCache: false });
    const params = { method: 'smoothgrad', aggregate: 'max', target: 'logit', samples: 50, noisePct: 10, steps: 3, baseline: 'black', layer: null, batchSize: 1 } as const;
    const running = handle({ type: 'saliency', id: 3, image: pixels(), classIndex: 0, params });
    await new Promise((r) => setTimeout(r, 50));
    expect(handle.isImmediate({ type: 'cancel', id: 4, target: 3 })).toBe(true);
    await handle({ type: 'cancel', id: 4, target: 3 });
    await running;
    const final = events.filter((e) => e.id === 3).at(-1)!;
    expect(final).toMatchObject({ type: 'error', error: { name: 'CancelledError' } });
    const steps = events.filter((e) => e.id === 3 && e.type === 'progress').length;
    expect(steps).toBeLessThan(50);
  });

  it('activations: conv1 with its filters by default, a later layer on request, cached per image and layer', async () => {
    const { send } = harness();
    await send({ type: 'init', backend: 'wasm', wasmPaths: {} });
    await send({ type: 'loadModel', source: { kind: 'url', url: `${base}/sq/model.json` }, useCache: false });
    type Act = Extract<WorkerEvent, { type: 'result'; request: 'activations' }>['result'];
    const get = async (layer: string | null, imageKey = 'img1') => (await send({ type: 'activations', image: pixels(), imageKey, layer, maxChannels: 16 })).final as { result: Act };
    const first = (await get(null)).result;
    expect(first).toMatchObject({ cached: false, maps: { layer: 'conv1', kind: 'spatial' }, filters: { layer: 'conv1', count: 64, kh: 3, kw: 3 } });
    expect(first.maps.channels).toHaveLength(16);
    const later = (await get('fire9_concat')).result;
    expect(later).toMatchObject({ cached: false, filters: null, maps: { layer: 'fire9_concat', shape: [13, 13, 512] } });
    const tensors = tf.memory().numTensors;
    const again = (await get('fire9_concat')).result;
    expect(again.cached).toBe(true);
    expect(again.maps.channels).toEqual(later.maps.channels);
    expect((await get('fire9_concat', 'img2')).result.cached).toBe(false);
    expect(tf.memory().numTensors).toBe(tensors);
    const bad = await send({ type: 'activations', image: pixels(), imageKey: 'img1', layer: 'nope', maxChannels: 4 });
    expect(bad.final).toMatchObject({ type: 'error' });
    expect((bad.final as { error: { message: string } }).error.message).toMatch(/nope/);
  });
});
