import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { layersModelFromArtifacts, pendingPreloads } from './leanLoad';

beforeAll(tfReady);

/** The saved artifacts of a model built on the CPU backend (so building it does not grow the WASM heap). */
async function artifactsOf(build: () => tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  await tf.setBackend('cpu');
  try {
    const m = build();
    let out: tf.io.ModelArtifacts | undefined;
    await m.save(tf.io.withSaveHandler(async (a) => ((out = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
    m.dispose();
    return out!;
  } finally {
    await tf.setBackend('wasm');
  }
}

function convNet(denseUnits: number, inputSize = 8): tf.LayersModel {
  const input = tf.input({ shape: [inputSize, inputSize, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu', name: 'conv_a', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn_a' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.flatten({ name: 'flat' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: denseUnits, activation: 'relu', name: 'fc_a', kernelInitializer: tf.initializers.randomNormal({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 5, activation: 'softmax', name: 'fc_out', biasInitializer: tf.initializers.randomNormal({ seed: 3 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'lean_test' });
}

const heap = () => (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
const predict = (m: tf.LayersModel, size = 8) => tf.tidy(() => Array.from((m.predict(tf.randomNormal([2, size, size, 3], 0, 1, 'float32', 9)) as tf.Tensor).dataSync()));

describe('layersModelFromArtifacts (one copy of the weights at a time)', () => {
  it('loads the same model as tf.loadLayersModel: weights, predictions, and the topology it saves', async () => {
    const art = await artifactsOf(() => convNet(16));
    const before = tf.memory().numTensors;
    const lean = await layersModelFromArtifacts(art);
    const stock = await tf.loadLayersModel(tf.io.fromMemory(art));
    expect(lean.weights.map((w) => w.originalName)).toEqual(stock.weights.map((w) => w.originalName));
    lean.weights.forEach((w, i) => expect(Array.from(w.read().dataSync())).toEqual(Array.from(stock.weights[i]!.read().dataSync())));
    expect(predict(lean)).toEqual(predict(stock));
    // Saved again, it names the file's own initializers, not ours (a Keras or TF.js reader knows those).
    expect(JSON.stringify(lean.toJSON(null, false))).toEqual(JSON.stringify(stock.toJSON(null, false)));
    expect(JSON.stringify(lean.toJSON(null, false))).not.toContain('TransferLensPreloaded');
    expect(lean.getUserDefinedMetadata()).toEqual(stock.getUserDefinedMetadata());
    // One tensor per weight, nothing else; all gone with the model.
    expect(tf.memory().numTensors - before).toBe(2 * lean.weights.length);
    lean.dispose();
    stock.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(pendingPreloads()).toBe(0);
  });

  it('grows the WASM heap by one copy of the weights, where tf.loadLayersModel needs two', async () => {
    const art = await artifactsOf(() => convNet(4096, 26)); // fc_a: 2,304 × 4,096 (38 MB)
    const bytes = (art.weightSpecs ?? []).reduce((a, s) => a + 4 * tf.util.sizeFromShape(s.shape), 0);
    const h0 = heap();
    const lean = await layersModelFromArtifacts(art);
    const h1 = heap();
    lean.dispose(); // leaves one copy's worth of free heap
    const stock = await tf.loadLayersModel(tf.io.fromMemory(art));
    const h2 = heap();
    stock.dispose();
    expect(h1 - h0).toBeLessThan(1.25 * bytes);
    expect(h2 - h1).toBeGreaterThan(0.5 * bytes); // the measure sees the stock loader's second copy
  });

  it('takes the stock path where it cannot place every weight (a model inside the model), same result', async () => {
    const art = await artifactsOf(() => {
      const inner = tf.sequential({ name: 'inner', layers: [tf.layers.dense({ inputShape: [6], units: 4, name: 'd1', kernelInitializer: tf.initializers.randomNormal({ seed: 4 }) })] });
      const input = tf.input({ shape: [6] });
      const out = tf.layers.dense({ units: 2, name: 'd2' }).apply(inner.apply(input) as tf.SymbolicTensor) as tf.SymbolicTensor;
      return tf.model({ inputs: input, outputs: out });
    });
    const before = tf.memory().numTensors;
    const lean = await layersModelFromArtifacts(art);
    const stock = await tf.loadLayersModel(tf.io.fromMemory(art));
    const out = (m: tf.LayersModel) => tf.tidy(() => Array.from((m.predict(tf.ones([1, 6])) as tf.Tensor).dataSync()));
    expect(out(lean)).toEqual(out(stock));
    lean.dispose();
    stock.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(pendingPreloads()).toBe(0);
  });

  it('a weight file shorter than its manifest: one clear error, nothing left behind', async () => {
    const art = await artifactsOf(() => convNet(16));
    const cut = { ...art, weightData: (art.weightData as ArrayBuffer).slice(0, 1000) };
    const before = tf.memory().numTensors;
    await expect(layersModelFromArtifacts(cut)).rejects.toThrow(/shorter than its manifest/);
    expect(tf.memory().numTensors).toBe(before);
    expect(pendingPreloads()).toBe(0);
  });

  it('a weight whose shape disagrees with its layer is refused, nothing left behind', async () => {
    const art = await artifactsOf(() => convNet(16));
    const specs = art.weightSpecs!.map((s) => (s.name === 'fc_out/kernel' ? { ...s, shape: [5, 16] } : s));
    const before = tf.memory().numTensors;
    await expect(layersModelFromArtifacts({ ...art, weightSpecs: specs })).rejects.toThrow(/shape/);
    expect(pendingPreloads()).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
  });
});
