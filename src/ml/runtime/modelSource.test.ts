import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { layersModelFromArtifacts } from './leanLoad';
import { fetchModelJson, parseModelJson, readModelFiles } from './modelSource';

beforeAll(tfReady);

/** A small model's model.json text and its one shard, as a browser's file picker would hand them over. */
async function modelFiles(): Promise<{ json: string; shard: Uint8Array<ArrayBuffer>; model: tf.LayersModel }> {
  const input = tf.input({ shape: [4] });
  const out = tf.layers.dense({ units: 3, name: 'fc', kernelInitializer: tf.initializers.randomNormal({ seed: 5 }), biasInitializer: tf.initializers.randomNormal({ seed: 6 }) }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  let art: tf.io.ModelArtifacts | undefined;
  await model.save(tf.io.withSaveHandler(async (a) => ((art = a), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } })));
  const json = JSON.stringify({
    modelTopology: art!.modelTopology,
    format: 'layers-model',
    weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: art!.weightSpecs }],
    userDefinedMetadata: { transferlens: { architecture: 'test' } },
  });
  return { json, shard: new Uint8Array(art!.weightData as ArrayBuffer), model };
}

const file = (name: string, body: string | Uint8Array<ArrayBuffer>) => new File([body], name);

describe('readModelFiles: a model from picked files, with the same checks as a URL', () => {
  it('loads model.json and its shard: the same predictions, the metadata kept, no tensors made', async () => {
    const { json, shard, model } = await modelFiles();
    const before = tf.memory().numTensors;
    const progress: [number, number][] = [];
    const got = await readModelFiles([file('group1-shard1of1.bin', shard), file('model.json', json)], (l, t) => progress.push([l, t]));
    expect(tf.memory().numTensors).toBe(before);
    expect(got.bytes).toBe(shard.length);
    expect(progress.at(-1)).toEqual([shard.length, shard.length]);
    expect(got.artifacts.userDefinedMetadata).toEqual({ transferlens: { architecture: 'test' } });
    const loaded = await layersModelFromArtifacts(got.artifacts);
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const [a, b] = [model.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    expect(Array.from(await b.data())).toEqual(Array.from(await a.data()));
    tf.dispose([x, a, b]);
    loaded.dispose();
    model.dispose();
  });

  it('says in one sentence what is wrong: truncated JSON, not a model, a shard missing, too long, two or no model.json', async () => {
    const { json, shard, model } = await modelFiles();
    model.dispose();
    const bin = file('group1-shard1of1.bin', shard);
    await expect(readModelFiles([file('model.json', '{"modelTopology":'), bin])).rejects.toThrow(/^model\.json is not valid JSON \(/);
    await expect(readModelFiles([file('model.json', '{"hello":1}'), bin])).rejects.toThrow('model.json has no modelTopology: not a TF.js layers model');
    // model.json alone loaded before, every weight zero and the metadata dropped.
    await expect(readModelFiles([file('model.json', json)])).rejects.toThrow('weight file group1-shard1of1.bin was not picked: choose model.json together with all its weight files');
    const longer = new Uint8Array(shard.length + 1000);
    longer.set(shard);
    await expect(readModelFiles([file('model.json', json), file('group1-shard1of1.bin', longer)])).rejects.toThrow(`the weight files hold ${shard.length + 1000} bytes but model.json describes ${shard.length}`);
    await expect(readModelFiles([file('model.json', json), file('other.json', json), bin])).rejects.toThrow(/pick one model\.json at a time/);
    await expect(readModelFiles([bin])).rejects.toThrow('group1-shard1of1.bin is not a TF.js model: pick the model.json together with its weight files');
    // A photo picked by mistake is named.
    await expect(readModelFiles([file('owl.jpg', new Uint8Array([0xff, 0xd8, 0xff]))])).rejects.toThrow('owl.jpg is not a TF.js model: pick the model.json together with its weight files');
  });

  it('a server that cannot be reached is named, with what to check', async () => {
    const dead = (() => Promise.reject(new TypeError('Failed to fetch'))) as unknown as typeof fetch;
    await expect(fetchModelJson('http://127.0.0.1:9/model.json', dead)).rejects.toThrow(
      'could not reach http://127.0.0.1:9/model.json (Failed to fetch): check the address, and that its server is running and lets other pages fetch from it',
    );
  });

  it('parseModelJson names the file it read', () => {
    expect(() => parseModelJson('nope', 'alexnet.json')).toThrow(/^alexnet\.json is not valid JSON/);
    expect(() => parseModelJson('{"modelTopology":{}}')).toThrow('model.json has no weightsManifest');
    // A photo's bytes read as text (its address given for a model): said as such, not as a JSON parser's garble.
    const jpeg = new TextDecoder().decode(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]));
    expect(() => parseModelJson(jpeg, 'owl.jpg')).toThrow('owl.jpg is not model.json text: it looks like a binary file (an image, or a weight file?)');
  });
});
