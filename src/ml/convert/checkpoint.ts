/** Checkpoint bytes (or a seed) → TF.js model files with TransferLens metadata. No I/O here. */
import * as tf from '@tensorflow/tfjs';
import { archSpec, type Arch } from './archs';
import { buildModelFiles, type ModelFiles, type Quantize } from './artifacts';
import { convertStateDict } from './stateDict';
import { numericLabels, PREPROCESS, type ModelMeta, type PreprocessMode } from '../core/metadata';
import { readCheckpoint, type StateDict } from './pth';
import { randomStateDict } from './randomWeights';

export interface ConvertOptions {
  arch: Arch;
  preprocess?: PreprocessMode;
  labels?: string[];
  quantize?: Quantize;
  name?: string;
  source?: string;
  /** Told about weights that will load but mean nothing (NaN / infinite values). */
  onWarning?: (message: string) => void;
}

/** Names of state-dict tensors holding NaN or ±Infinity. */
export function nonFiniteTensors(sd: StateDict): string[] {
  const bad: string[] = [];
  for (const [name, t] of sd) if (!t.data.every(Number.isFinite)) bad.push(name);
  return bad;
}

function numClassesOf(arch: Arch, sd: StateDict): number {
  const last = archSpec(arch).params.at(-1)!;
  return sd.get(`${last.torch}.weight`)?.shape[0] ?? 1000;
}

export function convertStateDictToFiles(sd: StateDict, opts: ConvertOptions): ModelFiles {
  const spec = archSpec(opts.arch);
  const bad = nonFiniteTensors(sd);
  if (bad.length) opts.onWarning?.(`${bad.slice(0, 3).join(', ')}${bad.length > 3 ? ` and ${bad.length - 3} more` : ''} hold NaN or infinite values: the converted model will predict nonsense`);
  const numClasses = numClassesOf(opts.arch, sd);
  if (opts.labels && opts.labels.length !== numClasses)
    throw new Error(`${opts.labels.length} labels given but the checkpoint has ${numClasses} classes`);
  const model = spec.build(numClasses, 'zeros');
  try {
    const weights = convertStateDict(opts.arch, sd, model);
    const meta: ModelMeta = {
      arch: opts.arch,
      name: opts.name ?? spec.displayName,
      source: opts.source ?? 'torchvision checkpoint',
      inputSize: [224, 224],
      preprocess: { ...PREPROCESS[opts.preprocess ?? 'torch'] },
      labels: opts.labels ?? numericLabels(numClasses),
      trunkOutput: spec.trunkOutput,
      classifierLayers: spec.classifierLayers,
    };
    return buildModelFiles(model, weights, meta, opts.quantize ?? 'none');
  } finally {
    model.dispose();
  }
}

export function convertCheckpoint(bytes: Uint8Array, opts: ConvertOptions): ModelFiles {
  return convertStateDictToFiles(readCheckpoint(bytes), opts);
}

export function makeRandomModelFiles(arch: Arch, seed: number, opts: Omit<ConvertOptions, 'arch'> & { numClasses?: number } = {}): ModelFiles {
  const model = archSpec(arch).build(opts.numClasses ?? 1000, 'zeros');
  let sd: StateDict;
  try {
    sd = randomStateDict(arch, seed, model);
  } finally {
    model.dispose();
  }
  return convertStateDictToFiles(sd, {
    ...opts,
    arch,
    name: opts.name ?? `${archSpec(arch).displayName} (random weights, seed ${seed})`,
    source: opts.source ?? `random weights, seed ${seed} (for tests and benchmarks; not trained)`,
  });
}

/** tf.memory() must not grow across conversions. */
export function _numTensors(): number {
  return tf.memory().numTensors;
}
