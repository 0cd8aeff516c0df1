/** Builds each architecture (zero weights, CPU backend) and keeps only its topology and surgery names. */
import * as tf from '@tensorflow/tfjs';
import { ARCHS, ARCH_SPECS, type Arch } from './archs';

export interface ArchTopology {
  displayName: string;
  trunkOutput: string;
  classifierLayers: string[];
  topology: unknown;
}

export async function buildTopologies(): Promise<Record<Arch, ArchTopology>> {
  const prev = tf.getBackend();
  await tf.setBackend('cpu');
  try {
    const out = {} as Record<Arch, ArchTopology>;
    for (const arch of ARCHS) {
      const spec = ARCH_SPECS[arch];
      const model = spec.build(1000, 'zeros');
      out[arch] = { displayName: spec.displayName, trunkOutput: spec.trunkOutput, classifierLayers: spec.classifierLayers, topology: model.toJSON(null, false) };
      model.dispose();
    }
    return out;
  } finally {
    if (prev) await tf.setBackend(prev);
  }
}
