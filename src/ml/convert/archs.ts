/**
 * torchvision architectures as TF.js layers models (NHWC, 224×224 input), with the
 * layer names the rest of the app keys on. One table serves the converter, the
 * random-weights generator and the metadata (trunk output, classifier layers).
 */
import * as tf from '@tensorflow/tfjs';

export type Arch = 'alexnet' | 'vgg16' | 'squeezenet1_1';
export const ARCHS: readonly Arch[] = ['alexnet', 'vgg16', 'squeezenet1_1'];

export function isArch(s: string): s is Arch {
  return (ARCHS as readonly string[]).includes(s);
}

/** How one TF.js layer's weights come from a torchvision state_dict. */
export interface ParamMapping {
  layer: string;
  torch: string;
  /** `linear-flatten`: first Linear after an NCHW flatten; its rows are permuted to NHWC order. */
  kind: 'conv' | 'linear' | 'linear-flatten';
  /** [C, H, W] of the flattened feature map, for `linear-flatten`. */
  flattenChw?: [number, number, number];
}

export interface ArchSpec {
  displayName: string;
  build(numClasses?: number, init?: 'zeros' | 'glorotUniform'): tf.LayersModel;
  params: ParamMapping[];
  trunkOutput: string;
  classifierLayers: string[];
  /** The layer(s) a "replace last FC" strategy swaps, in words for the UI. */
  lastClassifierNote: string;
}

const INPUT_SIZE = 224;

type Init = 'zeros' | 'glorotUniform';

function conv(
  x: tf.SymbolicTensor,
  name: string,
  filters: number,
  kernelSize: number,
  init: Init,
  opts: { strides?: number; padding?: 'same' | 'valid'; activation?: 'relu' | 'linear' } = {},
): tf.SymbolicTensor {
  return tf.layers
    .conv2d({
      name,
      filters,
      kernelSize,
      strides: opts.strides ?? 1,
      padding: opts.padding ?? 'same',
      activation: opts.activation ?? 'relu',
      kernelInitializer: init,
      biasInitializer: 'zeros',
    })
    .apply(x) as tf.SymbolicTensor;
}

function dense(x: tf.SymbolicTensor, name: string, units: number, init: Init, activation: 'relu' | 'linear'): tf.SymbolicTensor {
  return tf.layers.dense({ name, units, activation, kernelInitializer: init, biasInitializer: 'zeros' }).apply(x) as tf.SymbolicTensor;
}

function maxPool(x: tf.SymbolicTensor, name: string, pool: number, stride: number): tf.SymbolicTensor {
  return tf.layers.maxPooling2d({ name, poolSize: pool, strides: stride, padding: 'valid' }).apply(x) as tf.SymbolicTensor;
}

function input(): tf.SymbolicTensor {
  return tf.input({ shape: [INPUT_SIZE, INPUT_SIZE, 3], name: 'input' });
}

function fcHead(x: tf.SymbolicTensor, numClasses: number, init: Init, dropoutFirst: boolean): tf.SymbolicTensor {
  let y = tf.layers.flatten({ name: 'flatten' }).apply(x) as tf.SymbolicTensor;
  // AlexNet puts dropout before fc6 and fc7; VGG after them. Inference ignores dropout,
  // but the names and order document the architecture the fine-tuning screen edits.
  if (dropoutFirst) y = tf.layers.dropout({ name: 'drop6', rate: 0.5 }).apply(y) as tf.SymbolicTensor;
  y = dense(y, 'fc6', 4096, init, 'relu');
  y = tf.layers.dropout({ name: dropoutFirst ? 'drop7' : 'drop6', rate: 0.5 }).apply(y) as tf.SymbolicTensor;
  y = dense(y, 'fc7', 4096, init, 'relu');
  if (!dropoutFirst) y = tf.layers.dropout({ name: 'drop7', rate: 0.5 }).apply(y) as tf.SymbolicTensor;
  return dense(y, 'fc8', numClasses, init, 'linear');
}

const alexnet: ArchSpec = {
  displayName: 'AlexNet',
  build(numClasses = 1000, init = 'zeros') {
    const inp = input();
    // torchvision's conv1 is 11×11/4 with padding 2: 'same' padding would give 56×56, not 55×55.
    let x = tf.layers.zeroPadding2d({ name: 'conv1_pad', padding: 2 }).apply(inp) as tf.SymbolicTensor;
    x = conv(x, 'conv1', 64, 11, init, { strides: 4, padding: 'valid' });
    x = maxPool(x, 'pool1', 3, 2);
    x = conv(x, 'conv2', 192, 5, init);
    x = maxPool(x, 'pool2', 3, 2);
    x = conv(x, 'conv3', 384, 3, init);
    x = conv(x, 'conv4', 256, 3, init);
    x = conv(x, 'conv5', 256, 3, init);
    x = maxPool(x, 'pool5', 3, 2);
    return tf.model({ inputs: inp, outputs: fcHead(x, numClasses, init, true), name: 'alexnet' });
  },
  params: [
    { layer: 'conv1', torch: 'features.0', kind: 'conv' },
    { layer: 'conv2', torch: 'features.3', kind: 'conv' },
    { layer: 'conv3', torch: 'features.6', kind: 'conv' },
    { layer: 'conv4', torch: 'features.8', kind: 'conv' },
    { layer: 'conv5', torch: 'features.10', kind: 'conv' },
    { layer: 'fc6', torch: 'classifier.1', kind: 'linear-flatten', flattenChw: [256, 6, 6] },
    { layer: 'fc7', torch: 'classifier.4', kind: 'linear' },
    { layer: 'fc8', torch: 'classifier.6', kind: 'linear' },
  ],
  trunkOutput: 'pool5',
  classifierLayers: ['fc6', 'fc7', 'fc8'],
  lastClassifierNote: 'fc8 (Linear 4096 → classes)',
};

const VGG_BLOCKS: [number, number][] = [
  [64, 2],
  [128, 2],
  [256, 3],
  [512, 3],
  [512, 3],
];

const vgg16: ArchSpec = {
  displayName: 'VGG16',
  build(numClasses = 1000, init = 'zeros') {
    const inp = input();
    let x = inp;
    VGG_BLOCKS.forEach(([filters, n], b) => {
      for (let i = 1; i <= n; i++) x = conv(x, `block${b + 1}_conv${i}`, filters, 3, init);
      x = maxPool(x, `block${b + 1}_pool`, 2, 2);
    });
    return tf.model({ inputs: inp, outputs: fcHead(x, numClasses, init, false), name: 'vgg16' });
  },
  params: (() => {
    const out: ParamMapping[] = [];
    let idx = 0;
    VGG_BLOCKS.forEach(([, n], b) => {
      for (let i = 1; i <= n; i++) {
        out.push({ layer: `block${b + 1}_conv${i}`, torch: `features.${idx}`, kind: 'conv' });
        idx += 2; // conv + ReLU
      }
      idx += 1; // MaxPool
    });
    out.push({ layer: 'fc6', torch: 'classifier.0', kind: 'linear-flatten', flattenChw: [512, 7, 7] });
    out.push({ layer: 'fc7', torch: 'classifier.3', kind: 'linear' });
    out.push({ layer: 'fc8', torch: 'classifier.6', kind: 'linear' });
    return out;
  })(),
  trunkOutput: 'block5_pool',
  classifierLayers: ['fc6', 'fc7', 'fc8'],
  lastClassifierNote: 'fc8 (Linear 4096 → classes)',
};

// [squeeze, expand] channels of fire2 … fire9 and the torchvision feature index of each.
const FIRES: [number, number, number, number][] = [
  [2, 3, 16, 64],
  [3, 4, 16, 64],
  [4, 6, 32, 128],
  [5, 7, 32, 128],
  [6, 9, 48, 192],
  [7, 10, 48, 192],
  [8, 11, 64, 256],
  [9, 12, 64, 256],
];

const squeezenet: ArchSpec = {
  displayName: 'SqueezeNet 1.1',
  build(numClasses = 1000, init = 'zeros') {
    const inp = input();
    let x = conv(inp, 'conv1', 64, 3, init, { strides: 2, padding: 'valid' });
    // torchvision uses ceil_mode pooling; at 224 px every pooled size divides evenly, so floor == ceil.
    x = maxPool(x, 'pool1', 3, 2);
    for (const [n, , s, e] of FIRES) {
      const sq = conv(x, `fire${n}_squeeze`, s, 1, init);
      const e1 = conv(sq, `fire${n}_expand1x1`, e, 1, init);
      const e3 = conv(sq, `fire${n}_expand3x3`, e, 3, init);
      x = tf.layers.concatenate({ name: `fire${n}_concat`, axis: -1 }).apply([e1, e3]) as tf.SymbolicTensor;
      if (n === 3 || n === 5) x = maxPool(x, `pool${n}`, 3, 2);
    }
    x = tf.layers.dropout({ name: 'drop9', rate: 0.5 }).apply(x) as tf.SymbolicTensor;
    x = conv(x, 'conv10', numClasses, 1, init);
    const out = tf.layers.globalAveragePooling2d({ name: 'pool10' }).apply(x) as tf.SymbolicTensor;
    return tf.model({ inputs: inp, outputs: out, name: 'squeezenet1_1' });
  },
  params: [
    { layer: 'conv1', torch: 'features.0', kind: 'conv' },
    ...FIRES.flatMap(([n, idx]) =>
      (['squeeze', 'expand1x1', 'expand3x3'] as const).map(
        (part): ParamMapping => ({ layer: `fire${n}_${part}`, torch: `features.${idx}.${part}`, kind: 'conv' }),
      ),
    ),
    { layer: 'conv10', torch: 'classifier.1', kind: 'conv' },
  ],
  trunkOutput: 'fire9_concat',
  classifierLayers: ['conv10'],
  lastClassifierNote: 'conv10 (1×1 convolution → classes, then global average pooling); SqueezeNet has no FC layers',
};

export const ARCH_SPECS: Record<Arch, ArchSpec> = { alexnet, vgg16, squeezenet1_1: squeezenet };

export function archSpec(arch: string): ArchSpec {
  if (!isArch(arch)) throw new Error(`unknown architecture "${arch}"; valid: ${ARCHS.join(', ')}`);
  return ARCH_SPECS[arch];
}
