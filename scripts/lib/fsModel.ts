/** Node-only model I/O: a directory with model.json + shards, read and written with fs. */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { ModelFiles } from '../../src/ml/convert/artifacts';

export function writeModelDir(dir: string, files: ModelFiles): { bytes: number; shards: number } {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'model.json'), JSON.stringify(files.modelJson));
  let bytes = 0;
  for (const s of files.shards) {
    writeFileSync(join(dir, s.name), s.bytes);
    bytes += s.bytes.length;
  }
  return { bytes, shards: files.shards.length };
}

/** A TF.js IOHandler that loads a layers model directory from disk. */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const path = join(dir, 'model.json');
      if (!existsSync(path)) throw new Error(`no model.json in ${dir}`);
      const json = JSON.parse(readFileSync(path, 'utf8')) as tf.io.ModelJSON;
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: Uint8Array[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) buffers.push(readFileSync(join(dir, p)));
        }
        const total = buffers.reduce((a, b) => a + b.length, 0);
        const data = new Uint8Array(total);
        let off = 0;
        for (const b of buffers) {
          data.set(b, off);
          off += b.length;
        }
        return [specs, data.buffer];
      });
    },
  };
}
