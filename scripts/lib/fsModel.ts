/**
 * Node-only model I/O: a folder with model.json + shards. Reading is defensive: the folder and
 * model.json must exist and be what they claim, weight paths must stay inside the folder and
 * name regular files, and each weight group's bytes must match what the manifest declares —
 * checked from the file sizes before anything is read.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, realpathSync, statSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as tf from '@tensorflow/tfjs';
import { fromLayersModel, loadLayers, type Backbone, type LoadOptions } from '../../src/ml/runtime/backbone';
import { storedBytes } from '../../src/ml/runtime/leanLoad';
import type { ModelFiles } from '../../src/ml/convert/artifacts';
import { namedWrong } from './args';

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

/** A model folder that is not what it claims; the message says what is wrong with which file. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
}

/** Bytes a weight group must hold: each weight's element count × its stored (quantized) size. */
export function declaredBytes(weights: tf.io.WeightsManifestEntry[]): number {
  let total = 0;
  for (const w of weights) {
    const bytes = storedBytes(w);
    if (!Number.isFinite(bytes) || bytes < 0) throw new ModelFileError(`weight ${w.name} has an unreadable shape or dtype`);
    total += bytes;
  }
  return total;
}

/** Reads and checks model.json: one clear message for each way it can be wrong. */
export function readModelJson(dir: string): tf.io.ModelJSON {
  if (!existsSync(dir)) throw namedWrong(new ModelFileError(`no model folder at ${dir}`));
  if (!statSync(dir).isDirectory()) throw namedWrong(new ModelFileError(`${dir} is not a folder: --model takes the folder holding model.json`));
  const path = join(dir, 'model.json');
  if (!existsSync(path)) throw namedWrong(new ModelFileError(`${dir} has no model.json (is it a TF.js layers model folder?)`));
  if (!statSync(path).isFile() || statSync(path).size > 64 * 1024 * 1024) throw new ModelFileError(`${path} is not a model.json file`);
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ModelFileError(`${path} is not valid JSON (${(e as Error).message})`);
  }
  const j = json as Partial<tf.io.ModelJSON> | null;
  if (!j || typeof j !== 'object' || !j.modelTopology) throw new ModelFileError(`${path} is not a TF.js layers model: it has no modelTopology`);
  if (!Array.isArray(j.weightsManifest)) throw new ModelFileError(`${path} is not a TF.js layers model: it has no weightsManifest`);
  return j as tf.io.ModelJSON;
}

/** A weight file's real path, refused unless it is a regular file inside `dir`. */
function weightPath(dir: string, p: string): string {
  if (typeof p !== 'string' || isAbsolute(p) || /^[a-z]+:/i.test(p)) throw new ModelFileError(`weight path "${p}" in model.json must be a file name relative to the model folder`);
  const root = realpathSync(dir);
  const full = resolve(root, p);
  if (!existsSync(full)) throw new ModelFileError(`weight file ${p} is missing from ${dir}`);
  const realFull = realpathSync(full);
  const rel = relative(root, realFull);
  if (rel.startsWith('..') || rel.startsWith(sep) || isAbsolute(rel)) throw new ModelFileError(`weight path "${p}" in model.json points outside the model folder`);
  if (!statSync(realFull).isFile()) throw new ModelFileError(`weight path "${p}" in model.json is not a regular file`);
  return realFull;
}

/** A TF.js IOHandler that loads a layers model folder from disk. */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  return {
    async load() {
      const json = readModelJson(dir);
      return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const files: { path: string; size: number }[] = [];
        for (const group of manifest) {
          if (!Array.isArray(group.paths) || !Array.isArray(group.weights)) throw new ModelFileError('model.json has a malformed weightsManifest group');
          const paths = group.paths.map((p) => weightPath(dir, p));
          const sizes = paths.map((p) => statSync(p).size);
          const want = declaredBytes(group.weights);
          const have = sizes.reduce((a, b) => a + b, 0);
          if (have !== want) throw new ModelFileError(`weight files ${group.paths.join(', ')} hold ${have} bytes but model.json declares ${want}`);
          specs.push(...group.weights);
          paths.forEach((path, i) => files.push({ path, size: sizes[i]! }));
        }
        const data = new Uint8Array(files.reduce((a, f) => a + f.size, 0));
        let off = 0;
        // Straight into the one buffer: no per-shard copy left for the garbage collector.
        for (const f of files) {
          const fd = openSync(f.path, 'r');
          try {
            let got = 0;
            for (let n = -1; n !== 0 && got < f.size; got += n) n = readSync(fd, data, off + got, f.size - got, got);
            if (got !== f.size || readSync(fd, new Uint8Array(1), 0, 1, got) !== 0) throw new ModelFileError(`weight file ${f.path} changed while it was read`);
          } finally {
            closeSync(fd);
          }
          off += f.size;
        }
        return [specs, data.buffer];
      });
    },
  };
}

/**
 * A full garbage collection now, as Jest's leak detector does it: after a model is loaded its
 * file buffer (VGG16: 528 MB) is garbage, but V8 collects when JS allocates, and a map allocates
 * almost nothing in JS — the buffer would sit in memory through the whole run.
 */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** A model folder as a Backbone, its file buffer released before the work starts. */
/** A usage error for layer names the model does not have, listing (some of) the ones it has; null when all exist. */
export function unknownLayers(model: { layers: { name: string }[] }, wanted: string[]): string | null {
  const names = model.layers.map((l) => l.name);
  const unknown = wanted.filter((l) => !names.includes(l));
  if (!unknown.length) return null;
  const list = names.length > 12 ? `${names.slice(0, 6).join(', ')}, …, ${names.slice(-6).join(', ')} (${names.length} in all)` : names.join(', ');
  return `no layer ${unknown.map((l) => `"${l}"`).join(', ')} in this model; its layers: ${list}`;
}

export async function loadModelDir(dir: string, options?: LoadOptions): Promise<Backbone> {
  const model = await loadLayers(fileSystemHandler(dir), options);
  collectGarbage();
  return fromLayersModel(model, options);
}
