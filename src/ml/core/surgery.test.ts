import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tfReady } from '../../../test/tfSetup';
import { archSpec, type Arch } from '../convert/archs';
import { buildFineTunedModel } from '../training/export';
import type { ModelMeta } from './metadata';
import { PREPROCESS } from './metadata';
import { layerTable, planFor } from './surgery';
import { STRATEGIES, type Strategy } from './vocab';
import { createHead } from '../training/head';

beforeAll(tfReady);

const metaFor = (arch: Arch): ModelMeta => {
  const s = archSpec(arch);
  return { arch, name: arch, source: 'test', inputSize: [224, 224], preprocess: PREPROCESS.torch, labels: [], trunkOutput: s.trunkOutput, classifierLayers: s.classifierLayers };
};

// frozen pretrained layers, trained layers (new or initialised from pretrained), head input size
const EXPECTED: Record<Strategy, { frozen: string[]; head: string[]; initFrom: string[] }> = {
  fc8: { frozen: ['fc6', 'fc7'], head: ['fc8'], initFrom: [] },
  'fc7-fc8': { frozen: ['fc6'], head: ['fc7', 'fc8'], initFrom: [] },
  'fc6-head': { frozen: ['fc6'], head: ['classifier'], initFrom: [] },
  'all-fc': { frozen: [], head: ['fc6', 'fc7', 'fc8'], initFrom: ['fc6', 'fc7'] },
};

describe.each(['alexnet', 'vgg16'] as const)('surgery on %s', (arch) => {
  let model: tf.LayersModel;
  beforeAll(() => {
    model = archSpec(arch).build(1000, 'zeros');
  });
  afterAll(() => model.dispose());

  it.each(STRATEGIES)('%s: documented frozen/trainable sets and a [N, 10] output', (strategy) => {
    const plan = planFor(model, metaFor(arch), strategy, 10);
    const e = EXPECTED[strategy];
    expect(plan.frozen).toEqual(e.frozen);
    expect(plan.head.map((h) => h.name)).toEqual(e.head);
    expect(plan.head.filter((h) => h.initFrom).map((h) => h.initFrom)).toEqual(e.initFrom);
    expect(plan.head.at(-1)!.units).toBe(10);
    const trunkDim = arch === 'alexnet' ? 256 * 6 * 6 : 512 * 7 * 7;
    const inDim = plan.frozen.length ? 4096 : trunkDim;
    const head = createHead(model, plan, inDim, 0);
    const ft = buildFineTunedModel(model, plan, head, 0.5);
    expect(ft.outputs[0]!.shape).toEqual([null, 10]);
    const trainable = ft.layers.filter((l) => plan.head.some((h) => h.name === l.name)).map((l) => l.name);
    expect(trainable).toEqual(e.head);
    const table = layerTable(model, plan, inDim);
    expect(table.find((r) => r.name === 'conv1' || r.name === 'block1_conv1')!.status).toBe('frozen');
    expect(table.find((r) => r.name === 'fc8')!.status).toBe('removed');
    for (const f of e.frozen) expect(table.find((r) => r.name === f)!.status).toBe('frozen');
    for (const f of e.initFrom) expect(table.find((r) => r.name === f)!.status).toBe('trainable');
    head.dispose();
  });
});

describe('surgery on SqueezeNet', () => {
  it('only replaces conv10, and says why the other strategies do not apply', () => {
    const model = archSpec('squeezenet1_1').build(1000, 'zeros');
    const plan = planFor(model, metaFor('squeezenet1_1'), 'fc8', 7);
    expect(plan).toMatchObject({ trunkLayer: 'fire9_concat', pool: 'gap', frozen: [] });
    expect(plan.note).toMatch(/conv10/);
    expect(() => planFor(model, metaFor('squeezenet1_1'), 'fc7-fc8', 7)).toThrow(/no fully connected layers.*valid: fc8/);
    expect(() => planFor(model, metaFor('squeezenet1_1'), 'fc8', 1)).toThrow(/at least two classes/);
    model.dispose();
  });
});
