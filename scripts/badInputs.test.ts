/**
 * Bad inputs to the CLIs, as careless or hostile users give them: each probe must end quickly
 * with one clear line (no stack trace), the right exit code, and every input file untouched.
 * README "What bad input gets" is checked against this list.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sharedFile } from '../test/shared';
import { tfReady } from '../test/tfSetup';
import { makeRandomModelFiles } from '../src/ml/convert/checkpoint';
import { writeModelDir } from './lib/fsModel';

const tmp = mkdtempSync(join(tmpdir(), 'tl-bad-'));
const model = join(tmp, 'model');
const photo = join(tmp, 'photo.jpg');

/** Every probe runs under GNU time (installed by npm test): its peak memory must stay under 1 GB. */
const rssFile = join(tmp, 'rss.txt');
let peakKb = 0;
function cli(script: string, args: string[]) {
  const t0 = Date.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, process.execPath, '--import', 'tsx', join(ROOT, 'scripts', script), ...args], { cwd: ROOT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, DEBUG: '' } });
  const kb = Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1));
  peakKb = Math.max(peakKb, kb);
  expect(kb, `${script} ${args.join(' ')}: peak memory`).toBeLessThan(1024 * 1024);
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim(), s: (Date.now() - t0) / 1000 };
}
const hash = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const treeHash = (dir: string) => readdirSync(dir).sort().map((f) => `${f}:${hash(join(dir, f))}`).join(',');

/** One line on stderr starting "error:", no stack trace, within 60 s. */
function expectOneLine(r: ReturnType<typeof cli>, code: number, message: RegExp) {
  expect(r.code, r.err).toBe(code);
  const lines = r.err.split('\n').filter((l) => !l.startsWith('warning:'));
  expect(lines.at(-1)).toMatch(/^error: /);
  expect(lines.at(-1)).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /); // no stack frames
  expect(r.s).toBeLessThan(60);
}

function png(w: number, h: number): Buffer {
  // A real PNG header claiming w×h with one tiny IDAT (a decompression-bomb shape: 196 bytes).
  const crcTable = new Int32Array(256).map((_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c;
  });
  const crc = (b: Buffer) => {
    let c = -1;
    for (const x of b) c = crcTable[(c ^ x) & 0xff]! ^ (c >>> 8);
    return (c ^ -1) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(8);
    head.writeUInt32BE(data.length, 0);
    head.write(type, 4, 'ascii');
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(Buffer.concat([head.subarray(4), data])), 0);
    return Buffer.concat([head, data, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

beforeAll(async () => {
  await tfReady();
  writeModelDir(model, makeRandomModelFiles('squeezenet1_1', 2, { numClasses: 3, labels: ['a', 'b', 'c'] }));
  copyFileSync(sharedFile('images/cat.jpg'), photo);
}, 120_000);
afterAll(() => {
  console.log(`bad-inputs probes: the largest peak RSS of any CLI run was ${(peakKb / 1024).toFixed(0)} MB`);
  rmSync(tmp, { recursive: true, force: true });
});

describe('bad inputs: nothing a user owns is lost', () => {
  it('saliency --out equal to --image is refused; the photo is untouched', () => {
    const before = hash(photo);
    expectOneLine(cli('saliency.ts', ['--model', model, '--image', photo, '--out', photo]), 2, /is the same as --image: refusing to overwrite an input/);
    expect(hash(photo)).toBe(before);
  });

  it('saliency --out inside the model folder is refused; the model is untouched', () => {
    const before = treeHash(model);
    expectOneLine(cli('saliency.ts', ['--model', model, '--image', photo, '--out', join(model, 'model.json')]), 2, /is inside --model .*: refusing to write into an input/);
    expect(treeHash(model)).toBe(before);
  });

  it('saliency onto an existing file needs --force, and then replaces it', () => {
    const out = join(tmp, 'existing.png');
    writeFileSync(out, 'keep me');
    expectOneLine(cli('saliency.ts', ['--model', model, '--image', photo, '--out', out]), 2, /exists; add --force to replace it/);
    expect(readFileSync(out, 'utf8')).toBe('keep me');
    const r = cli('saliency.ts', ['--model', model, '--image', photo, '--out', out, '--force']);
    expect(r.code, r.err).toBe(0);
    expect(readFileSync(out).subarray(1, 4).toString()).toBe('PNG');
    expect(readdirSync(tmp).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });

  it('train --out equal to --model (or a folder holding it) is refused before any work', () => {
    const before = treeHash(model);
    expectOneLine(cli('train.ts', ['--model', model, '--data', sharedFile('datasets/wikiart7'), '--out', model]), 2, /is the same as --model: refusing/);
    expectOneLine(cli('train.ts', ['--model', model, '--data', sharedFile('datasets/wikiart7'), '--out', tmp, '--force']), 2, /contains --model .*: replacing it would delete an input/);
    expect(treeHash(model)).toBe(before);
  });

  it('convert into an existing model folder needs --force, and then replaces it wholly (no orphaned shards)', () => {
    const out = join(tmp, 'converted');
    mkdirSync(out);
    writeFileSync(join(out, 'group1-shard9of9.bin'), 'an old shard');
    writeFileSync(join(out, 'model.json'), '{"an": "old model"}');
    const args = ['--arch', 'squeezenet1_1', '--weights', sharedFile('models/squeezenet1_1/squeezenet1_1-caffe.pth'), '--out', out, '--preprocess', 'caffe', '--quantize', 'float16'];
    expectOneLine(cli('convert.ts', args), 2, /is not empty; add --force to replace it/);
    expect(readdirSync(out).sort()).toEqual(['group1-shard9of9.bin', 'model.json']);
    const r = cli('convert.ts', [...args, '--force']);
    expect(r.code, r.err).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
  });

  it('--force never replaces a folder of other files (no model.json): `make-random --out . --force` in a thesis folder', () => {
    const mine = join(tmp, 'thesis');
    mkdirSync(join(mine, 'docs'), { recursive: true });
    writeFileSync(join(mine, 'docs', 'thesis.txt'), 'two years of work');
    expectOneLine(cli('makeRandom.ts', ['--arch', 'squeezenet1_1', '--out', mine, '--force']), 2, /holds files but no model\.json: refusing to replace it, even with --force; give a new or empty folder/);
    expect(readFileSync(join(mine, 'docs', 'thesis.txt'), 'utf8')).toBe('two years of work');
  });

  it('assets with a corrupt checkpoint keeps the installed model and exits 1', () => {
    const from = join(tmp, 'from');
    const to = join(tmp, 'installed');
    mkdirSync(from);
    writeFileSync(join(from, 'alexnet-owt-7be5be79.pth'), 'PK\u0003\u0004 not really a zip');
    writeModelDir(join(to, 'alexnet'), makeRandomModelFiles('squeezenet1_1', 3, { numClasses: 3 }));
    const before = treeHash(join(to, 'alexnet'));
    const r = cli('assets.ts', ['--from', from, '--to', to]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ alexnet: .*\(the installed model is kept\)/);
    expect(treeHash(join(to, 'alexnet'))).toBe(before);
  });

  it('assets never deletes what it did not make: a folder of notes where a model goes, a --from inside --to, a user\'s index.json, /proc', () => {
    const from = join(tmp, 'ckpts');
    const to = join(tmp, 'models-of-mine');
    mkdirSync(from);
    writeFileSync(join(from, 'alexnet-owt-7be5be79.pth'), 'PK\u0003\u0004 not really a zip');
    mkdirSync(join(to, 'alexnet'), { recursive: true });
    writeFileSync(join(to, 'alexnet', 'notes.txt'), 'mine');
    const r = cli('assets.ts', ['--from', from, '--to', to]);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/✗ alexnet: .*models-of-mine\/alexnet holds files not made by npm run assets: left alone \(--force replaces it\)/);
    expect(readdirSync(join(to, 'alexnet'))).toEqual(['notes.txt']);
    // Its checkpoint inside the models folder: converting it would replace the folder it is read from (it did, and the checkpoint was gone).
    mkdirSync(join(to, 'vgg16'));
    writeFileSync(join(to, 'vgg16', 'vgg16-397923af.pth'), 'PK\u0003\u0004');
    expectOneLine(cli('assets.ts', ['--from', join(to, 'vgg16'), '--to', to]), 2, /--from .*vgg16 is inside --to .*: a conversion there would replace its own input/);
    expect(readdirSync(join(to, 'vgg16'))).toEqual(['vgg16-397923af.pth']);
    writeFileSync(join(to, 'index.json'), '{"mine": 1}');
    expectOneLine(cli('assets.ts', ['--from', from, '--to', to]), 2, /holds an index\.json not written by npm run assets: add --force to replace it/);
    expect(readFileSync(join(to, 'index.json'), 'utf8')).toBe('{"mine": 1}');
    expectOneLine(cli('assets.ts', ['--from', from, '--to', '/proc/models']), 2, /--to \/proc\/models: cannot write in \/proc/);
  });

  it('wikiart with a CSV of relative URLs says so in one line; the parent folder is not written to', () => {
    const csv = join(tmp, 'relative.csv');
    writeFileSync(csv, 'image_id,page_url,image_url,label,_split\n1,p,images/a.jpg,0,train\n2,p,images/b.jpg,1,test\n');
    const parent = join(tmp, 'parent');
    mkdirSync(parent);
    writeFileSync(join(parent, 'index.json'), '{"mine": true}');
    expectOneLine(cli('wikiart.ts', ['--csv', csv, '--out', join(parent, 'x')]), 1, /the CSV has no usable rows \(2 × relative image URL \(give a base URL\)\)/);
    expect(readFileSync(join(parent, 'index.json'), 'utf8')).toBe('{"mine": true}');
    expectOneLine(cli('wikiart.ts', ['--csv', join(ROOT, 'package.json'), '--out', join(parent, 'y')]), 1, /the CSV has no "image_url" column/);
    // A --base-url that is not a URL is named as such (it was taken for a missing one: "give a base URL").
    expectOneLine(cli('wikiart.ts', ['--csv', csv, '--base-url', 'notaurl', '--out', join(parent, 'z')]), 2, /--base-url "notaurl" is not an absolute http\(s\) URL/);
    expectOneLine(cli('train.ts', ['--model', join(tmp, 'nope'), '--data', csv, '--base-url', 'ftp://mirror/', '--out', join(parent, 'w')]), 2, /--base-url "ftp:\/\/mirror\/" is not an absolute http\(s\) URL/);
    expect(existsSync(join(parent, 'z'))).toBe(false);
    // An --out it cannot write is refused before any download (it fetched all, then blamed them: "were not images"), and /proc too (it hung).
    expectOneLine(cli('wikiart.ts', ['--csv', csv, '--base-url', 'http://127.0.0.1:9/', '--out', join(photo, 'sub')]), 2, /--out .*photo\.jpg\/sub: .*photo\.jpg is a file, not a folder/);
    expectOneLine(cli('wikiart.ts', ['--csv', csv, '--base-url', 'http://127.0.0.1:9/', '--out', '/proc/wk']), 2, /cannot write in \/proc/);
  });
});

describe('bad inputs: nothing hangs or reads outside its folder', () => {
  const broken = (name: string, path: string) => {
    const dir = join(tmp, name);
    writeModelDir(dir, makeRandomModelFiles('squeezenet1_1', 2, { numClasses: 3 }));
    const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    j.weightsManifest[0].paths = [path];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    return dir;
  };

  it('weight paths outside the model folder (/dev/zero, /etc/passwd) are refused before reading', () => {
    expectOneLine(cli('predict.ts', ['--model', broken('zero', '../../../../../../dev/zero'), '--image', photo]), 1, /points outside the model folder/);
    expectOneLine(cli('predict.ts', ['--model', broken('passwd', '../../../../../../etc/passwd'), '--image', photo]), 1, /points outside the model folder/);
  });

  it('a FIFO or a wrong-sized file as a weight shard is refused, not read', () => {
    const fifo = broken('fifo', 'pipe.bin');
    spawnSync('mkfifo', [join(fifo, 'pipe.bin')]);
    expectOneLine(cli('predict.ts', ['--model', fifo, '--image', photo]), 1, /is not a regular file/);
    const small = broken('small', 'small.bin');
    writeFileSync(join(small, 'small.bin'), 'tiny');
    expectOneLine(cli('predict.ts', ['--model', small, '--image', photo]), 1, /hold 4 bytes but model.json declares \d+/);
  });

  it('a 196-byte PNG claiming 20000×20000 is refused from its header, and skipped inside a dataset', () => {
    const bomb = join(tmp, 'bomb.png');
    writeFileSync(bomb, png(20000, 20000));
    expect(readFileSync(bomb).length).toBeLessThan(300);
    expectOneLine(cli('predict.ts', ['--model', model, '--image', bomb]), 1, /is too large: 20000×20000 pixels/);
    const data = join(tmp, 'styles');
    for (const style of ['Baroque', 'Symbolism']) {
      mkdirSync(join(data, style), { recursive: true });
      for (const f of readdirSync(sharedFile(`datasets/wikiart7/${style}`)).slice(0, 6)) copyFileSync(sharedFile(`datasets/wikiart7/${style}/${f}`), join(data, style, f));
    }
    copyFileSync(bomb, join(data, 'Baroque', 'bomb.png'));
    // A text file named like a painting is left out before the split, from its first bytes.
    writeFileSync(join(data, 'Symbolism', 'notes.jpg'), 'not a painting');
    const r = cli('train.ts', ['--model', model, '--data', data, '--epochs', '1', '--batch', '4', '--out', join(tmp, 'trained'), '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out.split('\n').at(-1)!) as { images: { train: number; val: number; unreadable: number } };
    expect(j.images.unreadable).toBe(1);
    expect(j.images.train + j.images.val).toBe(12); // the paintings read (bomb.png is counted unreadable)
    expect(r.err).toMatch(/skipped: .*bomb\.png is too large/);
    expect(r.err).toContain('warning: 1 skipped: not an image inside (named like one; its bytes are not JPEG, PNG, GIF, WebP or BMP)');
  });

  it('train on a manifest whose every download fails says so, not that a split is empty', () => {
    const dead = join(tmp, 'dead.json');
    const item = (n: string, label: number) => ({ url: `http://127.0.0.1:9/${n}.jpg`, label });
    writeFileSync(dead, JSON.stringify({ name: 'dead', classes: ['a', 'b'], items: [item('a1', 0), item('a2', 0), item('a3', 0), item('b1', 1), item('b2', 1), item('b3', 1)] }));
    expectOneLine(cli('train.ts', ['--model', model, '--data', dead, '--epochs', '1', '--out', join(tmp, 'never-dead')]), 1, /none of the 6 images could be read \(failed downloads, or files that are not images\): nothing to train on/);
    expect(existsSync(join(tmp, 'never-dead'))).toBe(false);
  });

  it('a 0-byte image is called empty; a one-class dataset or a layer named twice stops the probe before any feature is computed', () => {
    const empty = join(tmp, 'empty.jpg');
    writeFileSync(empty, '');
    expectOneLine(cli('predict.ts', ['--model', model, '--image', empty]), 1, /empty\.jpg is empty \(0 bytes\): nothing to read/);
    const one = join(tmp, 'one-class', 'Baroque');
    mkdirSync(one, { recursive: true });
    for (const f of readdirSync(sharedFile('datasets/wikiart7/Baroque')).slice(0, 4)) copyFileSync(sharedFile(`datasets/wikiart7/Baroque/${f}`), join(one, f));
    const r = cli('probe.ts', ['--model', model, '--data', join(tmp, 'one-class'), '--layers', 'conv1']);
    expectOneLine(r, 2, /has images in one class only \(Baroque\): the probe's classifier needs at least two/);
    expect(r.s).toBeLessThan(20);
    expectOneLine(cli('probe.ts', ['--model', model, '--data', join(tmp, 'one-class'), '--layers', 'conv1,conv1']), 2, /--layers names conv1 twice/);
    // train says it the same way, before reading an image (it read them all, warned three times, then failed with exit 1);
    // an empty class folder beside it is named, not dropped in silence.
    mkdirSync(join(tmp, 'one-class', 'Symbolism'));
    const t = cli('train.ts', ['--model', model, '--data', join(tmp, 'one-class'), '--epochs', '1', '--out', join(tmp, 'never-one')]);
    expectOneLine(t, 2, /one-class has images in one class only \(Baroque\): a classifier needs at least two/);
    expect(t.err.split('\n')).toEqual(['warning: class folder Symbolism has no images and was left out', expect.stringMatching(/^error: /)]);
    expect(existsSync(join(tmp, 'never-one'))).toBe(false);
  });

  it('raw errors in words: a folder as --labels, an unknown --layer (exit 2, as probe), hex numbers, a folder as --csv, a cut .csv.gz named', () => {
    const labelsDir = join(tmp, 'labels-dir');
    mkdirSync(labelsDir, { recursive: true });
    expectOneLine(cli('convert.ts', ['--arch', 'squeezenet1_1', '--weights', sharedFile('models/squeezenet1_1/squeezenet1_1-caffe.pth'), '--labels', labelsDir, '--out', join(tmp, 'conv')]), 2, /--labels .*labels-dir is not a file: give a text file with one class name per line/);
    expectOneLine(cli('saliency.ts', ['--model', model, '--image', photo, '--method', 'gradcam', '--layer', 'nope', '--out', join(tmp, 'cam.png')]), 2, /no layer "nope" in this model; its layers: /);
    // A newline (or an escape sequence) in a file name is shown escaped, and the message goes on past it.
    expectOneLine(cli('predict.ts', ['--model', model, '--image', join(tmp, 'no\nsuch\u001b[31m.jpg')]), 2, /no\\nsuch\\u001b\[31m\.jpg/);
    expectOneLine(cli('predict.ts', ['--model', model, '--image', photo, '--top', '0x10']), 2, /--top must be an integer in \[1, 1000\] \(got "0x10"\)/);
    expectOneLine(cli('wikiart.ts', ['--csv', labelsDir, '--out', join(tmp, 'wk')]), 2, /--csv .*labels-dir is not a file/);
    const cut = join(tmp, 'cut.csv.gz');
    writeFileSync(cut, readFileSync(sharedFile('datasets/wikiart-course/wikiart.csv.gz')).subarray(0, 200));
    expectOneLine(cli('wikiart.ts', ['--csv', cut, '--out', join(tmp, 'wk')]), 1, /cut\.csv\.gz: the \.gz file is damaged or cut short/);
    expectOneLine(cli('train.ts', ['--model', model, '--data', cut, '--out', join(tmp, 'never')]), 1, /cut\.csv\.gz: the \.gz file is damaged or cut short/);
  });

  it('a 100000×1 strip is refused with its shape, by predict and saliency (it gave the same classes for any colour, exit 0)', () => {
    const strip = join(tmp, 'strip.png');
    writeFileSync(strip, png(100000, 1));
    expectOneLine(cli('predict.ts', ['--model', model, '--image', strip]), 1, /strip\.png is too elongated: 100000×1 pixels \(100000:1; the limit is 762:1\)/);
    expectOneLine(cli('saliency.ts', ['--model', model, '--image', strip, '--out', join(tmp, 'strip-map.png')]), 1, /too elongated/);
    expect(existsSync(join(tmp, 'strip-map.png'))).toBe(false);
  });

  it('manifest items outside the manifest folder are left out; local items are read as files even with a URL among them', () => {
    const dir = join(tmp, 'manifest');
    mkdirSync(join(dir, 'A'), { recursive: true });
    mkdirSync(join(dir, 'B'), { recursive: true });
    const files = readdirSync(sharedFile('datasets/wikiart7/Baroque')).slice(0, 8);
    files.forEach((f, i) => copyFileSync(sharedFile(`datasets/wikiart7/Baroque/${f}`), join(dir, i % 2 ? 'A' : 'B', f)));
    const items = files.map((f, i) => ({ url: `${i % 2 ? 'A' : 'B'}/${f}`, label: i % 2 ? 'A' : 'B' }));
    items.push({ url: '../../../../etc/passwd', label: 'A' }, { url: 'http://127.0.0.1:9/gone.jpg', label: 'B' });
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ classes: ['A', 'B'], items }));
    const r = cli('train.ts', ['--model', model, '--data', join(dir, 'manifest.json'), '--epochs', '1', '--batch', '4', '--out', join(tmp, 'trained-manifest'), '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/1 manifest item points outside the manifest's folder/);
    const j = JSON.parse(r.out.split('\n').at(-1)!) as { images: { train: number; val: number; unreadable: number } };
    expect(j.images.train + j.images.val).toBe(8);
    expect(j.images.unreadable).toBe(1);
  });

  it('a manifest that lists a class twice is refused instead of growing a phantom class', () => {
    const m = join(tmp, 'twice.json');
    writeFileSync(m, JSON.stringify({ classes: ['A', 'A', 'B'], items: [] }));
    expectOneLine(cli('train.ts', ['--model', model, '--data', m, '--out', join(tmp, 't2')]), 1, /lists class "A" twice/);
  });
});

describe('bad inputs: no silent coercion', () => {
  const cases: [string, string[], RegExp][] = [
    ['train.ts', ['--epochs', '0'], /--epochs must be an integer in \[1, 10000\] \(got "0"\)/],
    ['train.ts', ['--batch', '0'], /--batch must be an integer in \[1, 65536\]/],
    ['train.ts', ['--val', '0'], /--val must be a number in \(0, 1\)/],
    ['train.ts', ['--dropout', '1'], /--dropout must be a number in \[0, 1\)/],
    ['train.ts', ['--dropout', '1.5'], /--dropout must be a number in \[0, 1\)/],
    ['train.ts', ['--lr', 'abc'], /--lr must be a number in \(0, 10\]/],
    ['train.ts', ['--strategy', 'fc9'], /unknown --strategy "fc9"; valid: fc8, fc7-fc8, fc6-head, all-fc/],
    ['saliency.ts', ['--samples', '0'], /--samples must be an integer in \[1, 1000\]/],
    ['saliency.ts', ['--steps', '0'], /--steps must be an integer in \[1, 1000\]/],
    ['saliency.ts', ['--noise', 'NaN'], /--noise must be a number in \(0, 100\]/],
    ['predict.ts', ['--top', '0'], /--top must be an integer in \[1, 1000\]/],
  ];
  const base: Record<string, string[]> = {
    'train.ts': ['--model', model, '--data', 'x', '--out', join(tmp, 'never')],
    'saliency.ts': ['--model', model, '--image', photo, '--out', join(tmp, 'never.png')],
    'predict.ts': ['--model', model, '--image', photo],
  };
  for (const [script, extra, message] of cases)
    it(`${script} ${extra.join(' ')} → exit 2 with the range`, () => {
      expectOneLine(cli(script, [...base[script]!, ...extra]), 2, message);
      expect(existsSync(join(tmp, 'never'))).toBe(false);
    });

  it('make-random --classes 0 | -5 | abc → exit 2, one line (no WASM source, no stack)', () => {
    for (const v of ['0', '-5', 'abc']) {
      const r = cli('makeRandom.ts', ['--arch', 'squeezenet1_1', '--classes', v, '--out', join(tmp, 'rnd')]);
      expectOneLine(r, 2, /--classes must be an integer in \[2, 100000\]/);
      expect(r.err.length).toBeLessThan(300);
    }
  });
});

describe('bad inputs: flags', () => {
  const scripts = ['assets.ts', 'convert.ts', 'makeRandom.ts', 'predict.ts', 'saliency.ts', 'train.ts', 'wikiart.ts', 'probe.ts'];
  it('--help prints the usage and exits 0 in every CLI, touching nothing (assets used to run its whole pipeline)', () => {
    const to = join(tmp, 'help-models');
    for (const script of scripts) {
      const r = cli(script, ['--help', '--to', to, '--out', join(tmp, 'help-out')]);
      expect(r.code, `${script}: ${r.err}`).toBe(0);
      expect(r.out, script).toMatch(/^usage: npm run /);
    }
    expect(existsSync(to)).toBe(false);
    expect(existsSync(join(tmp, 'help-out'))).toBe(false);
  });

  it('an unknown flag (a typo) is refused with the flags the command takes, before any work', () => {
    expectOneLine(cli('train.ts', ['--model', model, '--data', 'x', '--out', join(tmp, 'never'), '--epoch', '1']), 2, /unknown option --epoch; this command takes --model, --data, .*--epochs/);
    expectOneLine(cli('predict.ts', ['--model', model, '--image', photo, '--tpo', '1', '--bogus']), 2, /unknown options --tpo, --bogus/);
    expectOneLine(cli('assets.ts', ['--form', tmp, '--to', join(tmp, 'typo-models')]), 2, /unknown option --form/);
    expect(existsSync(join(tmp, 'typo-models'))).toBe(false);
  });

  it('a missing flag names itself with the usage on lines of its own; a stray word, a flag twice, a flag the method ignores, a non-PNG --out, a strategy the model lacks: exit 2, before any work', () => {
    const r = cli('saliency.ts', ['--model', model, '--image', photo]);
    expect(r.code).toBe(2);
    expect(r.err.split('\n')[0]).toBe('error: missing --out');
    expect(r.err.split('\n')[1]).toMatch(/^usage: npm run saliency -- --model <dir>/); // it was one line with literal \n's
    expect(r.err).not.toContain('\\n');
    const out = join(tmp, 'never-flags.png');
    const sal = (...extra: string[]) => cli('saliency.ts', ['--model', model, '--image', photo, '--out', out, ...extra]);
    expectOneLine(sal('extra', 'words'), 2, /unexpected arguments "extra", "words": every value follows its flag/);
    expectOneLine(sal('--class', '5', '--class', '6'), 2, /--class given more than once/);
    expectOneLine(sal('--samples', '5'), 2, /--samples applies to smoothgrad only; the method is vanilla/);
    expectOneLine(sal('--method', 'smoothgrad', '--steps', '8'), 2, /--steps applies to integrated-gradients only; the method is smoothgrad/);
    expectOneLine(sal('--force=no'), 2, /--force takes no value \(got "no"\): give --force alone, or leave it out/);
    expectOneLine(sal('--method', 'gradcam', '--aggregate', 'sum'), 2, /--aggregate applies to vanilla and smoothgrad and integrated-gradients and gradient-x-input only; the method is gradcam/);
    expectOneLine(cli('convert.ts', ['--arch', 'squeezenet1_1', '--weights', tmp, '--out', join(tmp, 'never-conv')]), 2, /--weights .* is a folder, not a file: give the \.pth checkpoint itself/);
    expectOneLine(cli('convert.ts', ['--arch', 'squeezenet1_1', '--weights', photo, '--name', ' ', '--out', join(tmp, 'never-conv')]), 2, /--name is empty: give the model a name, or leave --name out/);
    expectOneLine(cli('saliency.ts', ['--model', model, '--image', photo, '--out', join(tmp, 'map.jpg')]), 2, /the map is written as PNG; name it \.png/);
    expect(existsSync(out)).toBe(false);
    expect(existsSync(join(tmp, 'map.jpg'))).toBe(false);
    const data = sharedFile('datasets/wikiart7');
    const s = cli('train.ts', ['--model', model, '--data', data, '--strategy', 'fc7-fc8', '--out', join(tmp, 'never-fc7')]);
    expectOneLine(s, 2, /has no fully connected layers: only "fc8" .* applies/);
    expect(s.err).not.toMatch(/^read /m); // refused before reading 4,004 paintings
    expectOneLine(cli('train.ts', ['--model', model, '--data', data, '--block-lr-scale', '0.5', '--out', join(tmp, 'never-blr')]), 2, /--block-lr-scale .* needs --unfreeze-block/);
  });

  it('assets: a file as --from, or --to inside --from, is one line (it printed WASM source and a stack)', () => {
    const r = cli('assets.ts', ['--from', photo, '--to', join(tmp, 'from-file')]);
    expectOneLine(r, 2, /--from .*photo.jpg is not a folder/);
    expect(r.err.length).toBeLessThan(300);
    const from = join(tmp, 'assets-from');
    mkdirSync(from, { recursive: true });
    expectOneLine(cli('assets.ts', ['--from', from, '--to', join(from, 'models')]), 2, /is inside --from .*: refusing to write into an input/);
    expect(readdirSync(from)).toEqual([]);
  });

  it('an --out whose parent is a file, or a folder nobody can write in, is refused before the work', () => {
    const r = cli('train.ts', ['--model', model, '--data', 'x', '--out', join(photo, 'model')]);
    expectOneLine(r, 2, /--out .*photo.jpg\/model: .*photo.jpg is a file, not a folder/);
    expect(r.s).toBeLessThan(20);
    expectOneLine(cli('saliency.ts', ['--model', model, '--image', photo, '--out', '/proc/map.png']), 2, /--out \/proc\/map.png: cannot write in \/proc/);
  });
});

describe('bad inputs: messages that say what is wrong', () => {
  it('--model pointing at a missing folder, a folder without model.json (a mistake on the command line: exit 2), and {} as model.json (a damaged model: exit 1)', () => {
    expectOneLine(cli('predict.ts', ['--model', join(tmp, 'nope'), '--image', photo]), 2, /no model folder at .*nope/);
    const empty = join(tmp, 'empty-model');
    mkdirSync(empty);
    expectOneLine(cli('predict.ts', ['--model', empty, '--image', photo]), 2, /has no model\.json/);
    writeFileSync(join(empty, 'model.json'), '{}');
    expectOneLine(cli('predict.ts', ['--model', empty, '--image', photo]), 1, /is not a TF\.js layers model: it has no modelTopology/);
  });

  it('an input path that is not there is a usage mistake in every command: exit 2, one line, before any work', () => {
    const nope = join(tmp, 'nope');
    expectOneLine(cli('predict.ts', ['--model', model, '--image', `${nope}.jpg`]), 2, /no such image: .*nope\.jpg/);
    expectOneLine(cli('predict.ts', ['--model', model, '--image', tmp]), 2, /is not a regular file/);
    symlinkSync('loop-b', join(tmp, 'loop-a'));
    symlinkSync('loop-a', join(tmp, 'loop-b'));
    expectOneLine(cli('predict.ts', ['--model', model, '--image', join(tmp, 'loop-a')]), 2, /loop-a is a loop of symbolic links: it leads to no file/);
    expectOneLine(cli('saliency.ts', ['--model', model, '--image', `${nope}.jpg`, '--out', join(tmp, 'never.png')]), 2, /no such image: .*nope\.jpg/);
    expectOneLine(cli('train.ts', ['--model', model, '--data', nope, '--strategy', 'fc8', '--out', join(tmp, 'never')]), 2, /no such dataset: .*nope/);
    expectOneLine(cli('convert.ts', ['--arch', 'alexnet', '--weights', `${nope}.pth`, '--out', join(tmp, 'never')]), 2, /no such checkpoint file: .*nope\.pth/);
    expect(existsSync(join(tmp, 'never'))).toBe(false);
    expect(existsSync(join(tmp, 'never.png'))).toBe(false);
  });

  it('labels that do not match the outputs, and NaN weights, are warned about on stderr', () => {
    const dir = join(tmp, 'odd');
    writeModelDir(dir, makeRandomModelFiles('squeezenet1_1', 2, { numClasses: 3, labels: ['a', 'b', 'c'] }));
    const j = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    j.userDefinedMetadata.transferlens.labels = ['only', 'two'];
    writeFileSync(join(dir, 'model.json'), JSON.stringify(j));
    const shard = join(dir, j.weightsManifest[0].paths[0]);
    const bytes = readFileSync(shard);
    bytes.writeFloatLE(NaN, 0);
    writeFileSync(shard, bytes);
    const r = cli('predict.ts', ['--model', dir, '--image', photo, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/warning: metadata has 2 labels but the model outputs 3/);
    expect(r.err).toMatch(/warning: weights .* hold NaN or infinite values/);
  });

  it('a non-image as --image, and a JPEG cut short, in one line each', () => {
    expectOneLine(cli('predict.ts', ['--model', model, '--image', join(ROOT, 'README.md')]), 1, /README\.md is not an image TransferLens can read \(JPEG, PNG, GIF, WebP or BMP\)/);
    const cut = join(tmp, 'cut.jpg');
    writeFileSync(cut, readFileSync(photo).subarray(0, 100));
    expectOneLine(cli('predict.ts', ['--model', model, '--image', cut]), 1, /cut\.jpg could not be decoded: the JPEG file is damaged or cut short/);
  });
});
