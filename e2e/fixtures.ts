/**
 * Browser-test fixtures written next to the built app (dist/e2e-fixtures): a tiny model
 * for the WebGPU code path, broken models, and bad images. Generated, never committed.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deflateSync } from 'node:zlib';
import * as tf from '@tensorflow/tfjs';
import { zipSync } from 'fflate';
import { buildModelFiles } from '../src/ml/convert/artifacts';
import { PREPROCESS } from '../src/ml/core/metadata';
import { writeModelDir } from '../scripts/lib/fsModel';
import { initNodeBackend } from '../scripts/lib/nodeTf';

const out = resolve(process.argv[2] ?? 'dist/e2e-fixtures');
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await initNodeBackend();

// A tiny conv net (32×32 input, 3 classes) with TransferLens metadata.
const input = tf.input({ shape: [32, 32, 3], name: 'input' });
let x = tf.layers.conv2d({ name: 'conv1', filters: 4, kernelSize: 3, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
x = tf.layers.globalAveragePooling2d({ name: 'pool' }).apply(x) as tf.SymbolicTensor;
const y = tf.layers.dense({ name: 'fc', units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
const model = tf.model({ inputs: input, outputs: y, name: 'tiny' });
const weights = model.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], data: w.read().dataSync() as Float32Array }));
const files = buildModelFiles(
  model,
  weights,
  {
    arch: 'tiny',
    name: 'Tiny test net',
    source: 'e2e fixture',
    inputSize: [32, 32],
    preprocess: { ...PREPROCESS.unit },
    labels: ['red', 'green', 'blue'],
    trunkOutput: 'pool',
    classifierLayers: ['fc'],
  },
  'none',
);
writeModelDir(join(out, 'tiny'), files);

// A dense layer too large for a small GPU: fc6's kernel is 8192 × 4200 float32 = 137.6 MB, over the
// 128 MiB (134.2 MB) buffer binding every WebGPU device guarantees (and stored as float16: 69 MB).
{
  const inp = tf.input({ shape: [32, 32, 3], name: 'input' });
  let h = tf.layers.conv2d({ name: 'conv1', filters: 8, kernelSize: 3, padding: 'same', activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(inp) as tf.SymbolicTensor;
  h = tf.layers.flatten({ name: 'flatten' }).apply(h) as tf.SymbolicTensor;
  h = tf.layers.dense({ name: 'fc6', units: 4200, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(h) as tf.SymbolicTensor;
  const logits = tf.layers.dense({ name: 'fc', units: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(h) as tf.SymbolicTensor;
  const wide = tf.model({ inputs: inp, outputs: logits, name: 'wide' });
  const ws = wide.weights.map((w) => ({ name: w.originalName, shape: w.shape as number[], data: w.read().dataSync() as Float32Array }));
  const meta = { arch: 'wide', name: 'Wide dense test net', source: 'e2e fixture', inputSize: [32, 32] as [number, number], preprocess: { ...PREPROCESS.unit }, labels: ['red', 'green', 'blue'], trunkOutput: 'fc6', classifierLayers: ['fc'] };
  writeModelDir(join(out, 'wide'), buildModelFiles(wide, ws, meta, 'float16'));
  wide.dispose();
}

// Broken models.
writeModelDir(join(out, 'missing-shard'), files);
rmSync(join(out, 'missing-shard', files.shards[0]!.name));
mkdirSync(join(out, 'bad-json'));
writeFileSync(join(out, 'bad-json', 'model.json'), '{"modelTopology": {"class_name": ');
writeModelDir(join(out, 'wrong-shapes'), files);
const wrong = JSON.parse(readFileSync(join(out, 'wrong-shapes', 'model.json'), 'utf8'));
const fc = wrong.weightsManifest[0].weights.find((w: { name: string }) => w.name === 'fc/kernel');
fc.shape = [3, 4]; // same byte count, wrong layout
writeFileSync(join(out, 'wrong-shapes', 'model.json'), JSON.stringify(wrong));

// Images: a text file disguised as a JPEG, a real 12000×12000 PNG, a small red PNG.
writeFileSync(join(out, 'not-an-image.jpg'), 'This is a text file renamed to .jpg, not a photo.\n');

const CRC = new Int32Array(256).map((_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c;
});
function crc32(buf: Uint8Array): number {
  let c = -1;
  for (const b of buf) c = CRC[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ -1) >>> 0;
}
function chunk(type: string, data: Uint8Array): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
function png(w: number, h: number, pixel: (x: number, y: number) => [number, number, number]): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const raw = Buffer.alloc(h * (1 + w * 3));
  for (let yy = 0; yy < h; yy++)
    for (let xx = 0; xx < w; xx++) raw.set(pixel(xx, yy), yy * (1 + w * 3) + 1 + xx * 3);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', new Uint8Array(0))]);
}
writeFileSync(join(out, 'red.png'), png(32, 32, () => [220, 30, 30]));
writeFileSync(join(out, 'huge-12000.png'), png(12000, 12000, () => [0, 0, 0]));
// A 5000×1 strip: scaled to a 256-px shorter side it would be 328 MP.
writeFileSync(join(out, 'strip-5000x1.png'), png(5000, 1, (x) => [x & 255, 90, 160]));
// 49 MP, just under the limit: decoded off the main thread, scaled down for the network.
writeFileSync(join(out, 'big-7000.png'), png(7000, 7000, (x, y) => [(x >> 5) & 255, (y >> 5) & 255, 128]));
// A 3-style × 20-painting subset of wikiart7, served as a JSON manifest (the fetched-batches path).
const shared = resolve(process.env.SHARED_DIR ?? resolve(import.meta.dirname, '../../shared'));
const wikiart = join(shared, 'datasets/wikiart7');
if (existsSync(wikiart)) {
  const classes = ['Baroque', 'Impressionism', 'Symbolism'];
  const items: { url: string; label: string }[] = [];
  for (const c of classes) {
    mkdirSync(join(out, 'wikiart-mini', c), { recursive: true });
    for (const f of readdirSync(join(wikiart, c)).sort().slice(0, 20)) {
      copyFileSync(join(wikiart, c, f), join(out, 'wikiart-mini', c, f));
      items.push({ url: `${c}/${f}`, label: c });
    }
  }
  writeFileSync(join(out, 'wikiart-mini', 'manifest.json'), JSON.stringify({ classes, items }));
  // The same paintings as a .zip of class folders (plus a stray non-image, skipped and counted).
  const entries: Record<string, Uint8Array> = { 'wikiart-mini/README.txt': new TextEncoder().encode('not an image') };
  for (const it of items) entries[`wikiart-mini/${it.url}`] = readFileSync(join(out, 'wikiart-mini', it.url));
  writeFileSync(join(out, 'wikiart-mini.zip'), zipSync(entries, { level: 0 }));
  writeFileSync(join(out, 'one-class.json'), JSON.stringify({ classes: ['Baroque'], items: items.filter((i) => i.label === 'Baroque').map((i) => ({ ...i, url: `wikiart-mini/${i.url}` })) }));
}
// The same photos in every format and orientation the app reads, for the page ↔ CLI parity test:
// an upright cat stored rotated with EXIF orientation 6, a flamingo with transparent areas, and the
// flamingo as GIF, WebP and BMP.
{
  const { default: sharp } = await import('sharp');
  const { default: bmp } = await import('bmp-js');
  const dir = join(out, 'formats');
  mkdirSync(dir, { recursive: true });
  const cat = readFileSync(join(shared, 'images/cat.jpg'));
  // Pixels turned 90° anticlockwise, tagged "rotate 90° clockwise to view" (orientation 6).
  writeFileSync(join(dir, 'cat-exif6.jpg'), await sharp(cat).rotate(-90).jpeg({ quality: 92 }).withMetadata({ orientation: 6 }).toBuffer());
  const flamingo = readFileSync(join(shared, 'images/flamingo.jpg'));
  const { data, info } = await sharp(flamingo).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) if ((x + y) % 97 < 30 || y < info.height / 6) data[(y * info.width + x) * 4 + 3] = 0; // transparent bands
  writeFileSync(join(dir, 'flamingo-alpha.png'), await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } }).png().toBuffer());
  writeFileSync(join(dir, 'flamingo.gif'), await sharp(flamingo).gif().toBuffer());
  writeFileSync(join(dir, 'flamingo.webp'), await sharp(flamingo).webp({ quality: 95 }).toBuffer());
  const rgb = await sharp(flamingo).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  const abgr = Buffer.alloc(rgb.data.length);
  for (let i = 0; i < rgb.data.length; i += 4) abgr.set([255, rgb.data[i + 2]!, rgb.data[i + 1]!, rgb.data[i]!], i);
  writeFileSync(join(dir, 'flamingo.bmp'), bmp.encode({ data: abgr, width: rgb.info.width, height: rgb.info.height }).data);
}
console.log(`e2e fixtures written to ${out}`);
