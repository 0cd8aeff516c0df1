import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharedFile } from '../../../test/shared';
import { tfReady } from '../../../test/tfSetup';
import { analyzeTopology, asModelLike, formatShape, TopologyError, totals } from './architecture';
import { ARCHS, ARCH_SPECS } from '../convert/archs';
import { layerTable, planFor } from './surgery';
import { STRATEGIES } from './vocab';
import topologies from './topologies.json';
import { buildTopologies } from '../convert/topologyGen';

beforeAll(tfReady);

const shapeOf = (l: tf.layers.Layer) => formatShape(l.outputShape as (number | null)[]);

describe('architecture view from a topology', () => {
  it('the committed topologies are those the architecture builders make (npm run gen:topologies)', async () => {
    expect(JSON.parse(JSON.stringify(await buildTopologies()))).toEqual(topologies);
  });

  for (const arch of ARCHS)
    it(`${arch}: shapes and parameters equal TF.js's own for every layer`, () => {
      const model = ARCH_SPECS[arch].build(1000, 'zeros');
      const rows = analyzeTopology(topologies[arch].topology);
      expect(rows.map((r) => r.name)).toEqual(model.layers.map((l) => l.name));
      for (const [i, l] of model.layers.entries()) {
        expect(formatShape(rows[i]!.outputShape), l.name).toBe(shapeOf(l));
        expect(rows[i]!.params, l.name).toBe(l.countParams());
      }
      expect(totals(rows).params).toBe(model.countParams());
      model.dispose();
    });

  it('FLOPs agree with the published figures (AlexNet 0.71 G, VGG16 15.47 G multiply–adds)', () => {
    const flops = (a: 'alexnet' | 'vgg16') => totals(analyzeTopology(topologies[a].topology)).flops;
    expect(flops('alexnet') / 2 / 1e9).toBeCloseTo(0.714, 2);
    expect(flops('vgg16') / 2 / 1e9).toBeCloseTo(15.47, 1);
    expect(totals(analyzeTopology(topologies.vgg16.topology)).params).toBe(138_357_544);
  });

  it('a Keras-exported model (darknet-tiny: BatchNorm, LeakyReLU, no bias) matches TF.js', async () => {
    const json = JSON.parse(readFileSync(sharedFile('models/darknet-tiny/model.json'), 'utf8')) as tf.io.ModelJSON;
    const rows = analyzeTopology(json.modelTopology);
    const model = await tf.models.modelFromJSON(json.modelTopology as Parameters<typeof tf.models.modelFromJSON>[0]);
    expect(rows.map((r) => [r.name, formatShape(r.outputShape), r.params])).toEqual(model.layers.map((l) => [l.name, shapeOf(l), l.countParams()]));
    model.dispose();
  });

  it('a Sequential model, whose first layer carries the input shape', () => {
    const m = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [32, 32, 3], filters: 4, kernelSize: 3, strides: 2 }), tf.layers.flatten(), tf.layers.dense({ units: 5 })] });
    const rows = analyzeTopology(m.toJSON(null, false));
    expect(rows.map((r) => formatShape(r.outputShape))).toEqual(['[N,32,32,3]', '[N,15,15,4]', '[N,900]', '[N,5]']);
    expect(totals(rows).params).toBe(m.countParams());
    expect(rows[1]!.flops).toBe(2 * 15 * 15 * 4 * 27);
    m.dispose();
  });

  it('the strategy colouring equals the studio layer table, for every strategy', () => {
    const model = ARCH_SPECS.alexnet.build(1000, 'zeros');
    const like = asModelLike(analyzeTopology(topologies.alexnet.topology));
    const meta = { arch: 'alexnet', trunkOutput: topologies.alexnet.trunkOutput, classifierLayers: topologies.alexnet.classifierLayers };
    for (const s of STRATEGIES) {
      const fromTopology = layerTable(like, planFor(like, meta, s, 10), 9216);
      const fromModel = layerTable(model, planFor(model, meta, s, 10), 9216);
      expect(fromTopology).toEqual(fromModel);
    }
    model.dispose();
  });

  it('rejects what it cannot read, with the reason', () => {
    expect(() => analyzeTopology({})).toThrow(TopologyError);
    expect(() => analyzeTopology({ class_name: 'Model', config: { layers: [{ class_name: 'InputLayer', name: 'in', config: { batch_input_shape: [null, 8, 8, 3] }, inbound_nodes: [] }, { class_name: 'LSTM', name: 'lstm', config: {}, inbound_nodes: [[['in', 0, 0, {}]]] }] } })).toThrow(/LSTM layers are not supported/);
  });
});
