/** The CLIs as graders and instructors run them: real processes, real files. */
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, sharedFile } from '../test/shared';

const tmp = mkdtempSync(join(tmpdir(), 'tl-cli-'));
const model = join(tmp, 'sq');

function cli(script: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', script), ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr };
}

beforeAll(() => {
  const r = cli('convert.ts', ['--arch', 'squeezenet1_1', '--weights', sharedFile('models/squeezenet1_1/squeezenet1_1-caffe.pth'), '--out', model, '--preprocess', 'caffe', '--labels', sharedFile('labels/imagenet-classes.txt'), '--quantize', 'float16']);
  expect(r.code, r.err).toBe(0);
  expect(r.out).toMatch(/converted squeezenet1_1 \(float16\)/);
}, 120_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A script run as the CLIs run, once it has printed `word`; its stderr so far, read when asked. */
async function startScript(script: string, word: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: ROOT });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => d.toString().includes(word) && resolve()));
  return { child, err: () => err };
}

describe('outputs on Ctrl-C', () => {
  it('an interrupted write removes its temporary folder and exits 130 (it left .name.tmp-PID behind)', async () => {
    const out = join(tmp, 'interrupted');
    const script = join(tmp, 'interrupt.mts');
    writeFileSync(
      script,
      `import { writeDirAtomic } from ${JSON.stringify(join(ROOT, 'scripts/lib/outputs.ts'))};
import { runCli } from ${JSON.stringify(join(ROOT, 'scripts/lib/args.ts'))};
await runCli(() => writeDirAtomic(${JSON.stringify(out)}, async (dir) => {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(dir + '/half.bin', new Uint8Array(1024));
  console.log('writing');
  await new Promise((r) => setTimeout(r, 60_000));
}));`,
    );
    const { child, err } = await startScript(script, 'writing');
    expect(readdirSync(tmp).filter((f) => f.startsWith('.interrupted.tmp-'))).toHaveLength(1);
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(130);
    expect(err()).toMatch(/interrupted \(SIGINT\): nothing was written; the partial output was removed/);
    expect(readdirSync(tmp).filter((f) => f.startsWith('.interrupted'))).toEqual([]);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('Ctrl-C during a long synchronous write lands after it: the output is whole, and said to be (it said "nothing was written" beside it)', async () => {
    const out = join(tmp, 'whole');
    const script = join(tmp, 'late.mts');
    writeFileSync(
      script,
      `import { writeDirAtomic } from ${JSON.stringify(join(ROOT, 'scripts/lib/outputs.ts'))};
import { runCli } from ${JSON.stringify(join(ROOT, 'scripts/lib/args.ts'))};
import { writeFileSync } from 'node:fs';
await runCli(async () => {
  await writeDirAtomic(${JSON.stringify(out)}, (dir) => {
    writeFileSync(dir + '/model.json', '{}');
    console.log('writing');
    const t = Date.now();
    while (Date.now() - t < 1500); // a big model's synchronous shards
  });
  await new Promise((r) => setTimeout(r, 60_000));
});`,
    );
    const { child, err } = await startScript(script, 'writing');
    child.kill('SIGINT');
    expect(await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))).toBe(130);
    expect(err().trim()).toBe(`interrupted (SIGINT): ${out} was written in full`);
    expect(readdirSync(join(out))).toEqual(['model.json']);
    expect(readdirSync(tmp).filter((f) => f.startsWith('.whole'))).toEqual([]);
  }, 60_000);

  it('npm runs the CLIs with node --import tsx: the tsx command relays a Ctrl-C and kills a busy child 30 ms later, so its clean-up never ran (a 234 MB .name.tmp-PID stayed)', () => {
    const scripts = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const name of ['convert', 'make-random', 'predict', 'assets', 'saliency', 'train', 'wikiart', 'probe', 'bench']) expect(scripts[name], name).toMatch(/^node --import tsx /);
  });

  it('Ctrl-C before any write says so too (it exited 130 in silence)', async () => {
    const script = join(tmp, 'early.mts');
    writeFileSync(script, `import { runCli } from ${JSON.stringify(join(ROOT, 'scripts/lib/args.ts'))};
await runCli(async () => { console.log('working'); await new Promise((r) => setTimeout(r, 60_000)); });`);
    const { child, err } = await startScript(script, 'working');
    child.kill('SIGINT');
    expect(await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)))).toBe(130);
    expect(err().trim()).toBe('interrupted (SIGINT): nothing was written');
  }, 60_000);
});

describe('npm run predict', () => {
  it('prints one JSON line with the top classes, backend and time', () => {
    const r = cli('predict.ts', ['--model', model, '--image', sharedFile('images/flamingo.jpg'), '--top', '3', '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as { top: { index: number; label: string; prob: number }[]; backend: string; ms: number };
    expect(j.top).toHaveLength(3);
    expect(j.top[0]).toMatchObject({ index: 130, label: 'flamingo' });
    expect(j.backend).toBe('wasm');
    expect(j.ms).toBeGreaterThan(0);
  });
  it('fails clearly on a non-image', () => {
    const r = cli('predict.ts', ['--model', model, '--image', join(ROOT, 'package.json'), '--json']);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/package.json is not an image TransferLens can read \(JPEG, PNG, GIF, WebP or BMP\)/);
    expect(r.err.trim().split('\n')).toHaveLength(1); // one line, no stack trace
  });
});

describe('npm run saliency', () => {
  it('writes an 8-bit grayscale PNG at the input size, max 255, and the top-1 class by default', () => {
    const out = join(tmp, 'map.png');
    const r = cli('saliency.ts', ['--model', model, '--image', sharedFile('images/flamingo.jpg'), '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out) as Record<string, unknown>;
    expect(j).toMatchObject({ class: 130, label: 'flamingo', method: 'vanilla', backend: 'wasm' });
    expect(typeof j.ms).toBe('number');
    const png = PNG.sync.read(readFileSync(out));
    expect([png.width, png.height]).toEqual([224, 224]);
    const buf = readFileSync(out);
    expect(buf[25]).toBe(0); // IHDR colour type 0 = grayscale
    expect(buf[24]).toBe(8); // bit depth
    let max = 0;
    let nonzero = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      max = Math.max(max, png.data[i]!);
      if (png.data[i]! > 0) nonzero++;
    }
    expect(max).toBe(255);
    expect(nonzero).toBeGreaterThan(1000);
  }, 60_000);
  it('honours --class and --method', () => {
    const out = join(tmp, 'gc.png');
    const r = cli('saliency.ts', ['--model', model, '--image', sharedFile('images/doberman.png'), '--class', '236', '--method', 'gradcam', '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ class: 236, label: 'Doberman, Doberman pinscher', method: 'gradcam' });
  }, 60_000);
  it('rejects an unknown method, listing the valid ones', () => {
    const r = cli('saliency.ts', ['--model', model, '--image', sharedFile('images/doberman.png'), '--method', 'magic', '--out', join(tmp, 'x.png')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/valid: vanilla, smoothgrad, integrated-gradients, gradient-x-input, gradcam/);
  });
});

describe('npm run convert', () => {
  it('names the problem for a wrong architecture and a legacy/garbage file', () => {
    const wrong = cli('convert.ts', ['--arch', 'vgg16', '--weights', sharedFile('models/squeezenet1_1/squeezenet1_1-caffe.pth'), '--out', join(tmp, 'w')]);
    expect(wrong.code).not.toBe(0);
    expect(wrong.err).toMatch(/looks like squeezenet1_1/);
    const junk = cli('convert.ts', ['--arch', 'vgg16', '--weights', join(ROOT, 'package.json'), '--out', join(tmp, 'j')]);
    expect(junk.code).not.toBe(0);
    expect(junk.err).toMatch(/not a PyTorch checkpoint/);
  });
});

describe('npm run train', () => {
  it('fine-tunes on a folder of class folders, prints the run as JSON, and writes a model predict can load', () => {
    const out = join(tmp, 'ft');
    const r = cli('train.ts', ['--model', model, '--data', sharedFile('datasets/wikiart7'), '--strategy', 'fc8', '--limit', '12', '--epochs', '3', '--batch', '16', '--out', out, '--json']);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/epoch 3: train loss/);
    const j = JSON.parse(r.out.split('\n').at(-1)!) as { epochs: { epoch: number; trainLoss: number; valAcc: number; ms: number }[]; best: { epoch: number; valAcc: number }; featureMs: number; ms: number };
    expect(j.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(j.best.valAcc).toBeGreaterThanOrEqual(0);
    expect(j.featureMs).toBeGreaterThan(0);
    const p = cli('predict.ts', ['--model', out, '--image', sharedFile('datasets/wikiart7/Baroque/1_0.jpg'), '--top', '7', '--json']);
    expect(p.code, p.err).toBe(0);
    expect((JSON.parse(p.out) as { top: { label: string }[] }).top.map((t) => t.label).sort()).toEqual(['Art_Nouveau', 'Baroque', 'Expressionism', 'Impressionism', 'Post_Impressionism', 'Romanticism', 'Symbolism']);
  }, 120_000);

  it('rejects a strategy the model cannot do, naming the valid ones', () => {
    const r = cli('train.ts', ['--model', model, '--data', sharedFile('datasets/wikiart7'), '--strategy', 'fc7-fc8', '--limit', '3', '--out', join(tmp, 'x')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toMatch(/valid: fc8/);
  }, 60_000);
});

/** Like cli(), but without blocking this process (a loopback server here must keep answering). */
function cliAsync(script: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((res) => {
    const p = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', script), ...args], { cwd: ROOT });
    let out = '';
    let err = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (err += d));
    p.on('close', (code) => res({ code, out: out.trim(), err }));
  });
}

describe('npm run probe', () => {
  it('trains the same linear classifier at several depths and prints {layers:[{layer,dim,valAcc,ms}],chance}', () => {
    const r = cli('probe.ts', ['--model', model, '--data', sharedFile('datasets/wikiart7'), '--layers', 'fire5_concat,fire9_concat,conv10', '--limit', '10', '--epochs', '5', '--json']);
    expect(r.code, r.err).toBe(0);
    const j = JSON.parse(r.out.split('\n').at(-1)!) as { layers: { layer: string; dim: number; valAcc: number; ms: number }[]; chance: number };
    expect(j.layers.map((l) => [l.layer, l.dim])).toEqual([['fire5_concat', 256], ['fire9_concat', 512], ['conv10', 1000]]);
    for (const l of j.layers) expect(l.valAcc).toBeGreaterThanOrEqual(0);
    expect(j.chance).toBeGreaterThan(0);
    const bad = cli('probe.ts', ['--model', model, '--data', sharedFile('datasets/wikiart7'), '--layers', 'fc7']);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/no layer "fc7" in this model; its layers: .*conv10/);
  }, 120_000);
});

describe('npm run wikiart', () => {
  it('downloads the manifest through a base URL, resizes to 256 px, counts failures, and resumes', async () => {
    // The course CSV's first 3 rows of each style; a loopback "mirror" serves wikiart7 paintings
    // under the same paths and answers 404 for two of them.
    const lines = gunzipSync(readFileSync(sharedFile('datasets/wikiart-course/wikiart.csv.gz'))).toString('utf8').trim().split('\n');
    const perLabel = new Map<string, number>();
    const rows = lines.slice(1).filter((l) => {
      const label = l.split(',').at(-2)!;
      perLabel.set(label, (perLabel.get(label) ?? 0) + 1);
      return perLabel.get(label)! <= 3;
    });
    const csv = join(tmp, 'course.csv');
    writeFileSync(csv, [lines[0], ...rows].join('\n'));
    const gone = new Set(rows.slice(0, 2).map((r) => new URL(r.split(',')[2]!).pathname));
    const paintings = readdirSync(sharedFile('datasets/wikiart7/Baroque')).slice(0, 40);
    let requests = 0;
    const server = createServer((req, res) => {
      requests++;
      const path = new URL(req.url!, 'http://x').pathname;
      if (gone.has(path)) return void res.writeHead(404).end();
      const pick = paintings[[...path].reduce((a, c) => a + c.charCodeAt(0), 0) % paintings.length]!;
      res.writeHead(200, { 'content-type': 'image/jpeg' }).end(readFileSync(sharedFile(`datasets/wikiart7/Baroque/${pick}`)));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const out = join(tmp, 'datasets', 'wikiart');
    try {
      const r = await cliAsync('wikiart.ts', ['--csv', csv, '--limit', '30', '--base-url', base, '--out', out]);
      expect(r.code, r.err).toBe(0);
      expect(JSON.parse(r.out.split('\n').at(-1)!)).toMatchObject({ images: 28, failed: 2, downloaded: 28 });
      const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { classes: string[]; items: { url: string; label: number; split: string }[] };
      expect(manifest.classes).toHaveLength(10);
      expect(manifest.items).toHaveLength(28);
      const first = manifest.items[0]!;
      expect(existsSync(join(out, first.url))).toBe(true);
      const { default: jpeg } = await import('jpeg-js');
      const img = jpeg.decode(readFileSync(join(out, first.url)));
      expect(Math.min(img.width, img.height)).toBe(256);
      // Outside public/datasets the parent folder is the user's: no index.json is written there.
      expect(existsSync(join(tmp, 'datasets', 'index.json'))).toBe(false);
      // Resumable: a second run asks only for what is still missing.
      const before = requests;
      const again = await cliAsync('wikiart.ts', ['--csv', csv, '--limit', '30', '--base-url', base, '--out', out]);
      expect(again.code, again.err).toBe(0);
      expect(requests - before).toBe(2);
      // A folder holding the user's own manifest.json is not taken for an earlier download.
      const mine = join(tmp, 'my-dataset');
      mkdirSync(mine);
      writeFileSync(join(mine, 'manifest.json'), '{"classes":["a","b"],"items":[]}');
      const refused = await cliAsync('wikiart.ts', ['--csv', csv, '--limit', '30', '--base-url', base, '--out', mine]);
      expect(refused.code).toBe(2);
      expect(refused.err).toMatch(/is not empty and is not an earlier download of this command .*add --force/);
      expect(readFileSync(join(mine, 'manifest.json'), 'utf8')).toBe('{"classes":["a","b"],"items":[]}');
      expect(readdirSync(mine)).toEqual(['manifest.json']);
      // A dead mirror: nothing could be had, exit 1 with the reason, no manifest written.
      const dead = await cliAsync('wikiart.ts', ['--csv', csv, '--limit', '30', '--base-url', 'http://127.0.0.1:9/', '--out', join(tmp, 'dead')]);
      expect(dead.code).toBe(1);
      expect(dead.err).toMatch(/error: no painting could be had: 30 downloads failed \(first: http:\/\/127\.0\.0\.1:9\/.*\); check --base-url and the network/);
      expect(existsSync(join(tmp, 'dead', 'manifest.json'))).toBe(false);
      // --limit is the total, however few: 3 paintings, not one per style (it gave 10), with a warning.
      const few = await cliAsync('wikiart.ts', ['--csv', csv, '--limit', '3', '--base-url', base, '--out', join(tmp, 'few')]);
      expect(few.code, few.err).toBe(0);
      const fewSummary = JSON.parse(few.out.split('\n').at(-1)!) as { images: number; failed: number };
      expect(fewSummary.images + fewSummary.failed).toBe(3);
      expect(few.err).toMatch(/warning: --limit 3 is fewer than the 10 styles: 7 styles get no painting/);
      // Two artists' "self-portrait" in one style, one for training and one for validation: two files (they were one file, listed under both splits).
      const twins = join(tmp, 'twins.csv');
      const row = (artist: string, label: number, split: string) => `${artist}_self-portrait,http://www.wikiart.org/en/${artist}/self-portrait,http://uploads.wikiart.org/images/${artist}/self-portrait.jpg,${label},${split}`;
      writeFileSync(twins, [lines[0], row('rembrandt', 0, 'train'), row('rubens', 0, 'test'), row('picasso', 1, 'train')].join('\n'));
      const tw = await cliAsync('wikiart.ts', ['--csv', twins, '--base-url', base, '--out', join(tmp, 'twins')]);
      expect(tw.code, tw.err).toBe(0);
      const twm = JSON.parse(readFileSync(join(tmp, 'twins', 'manifest.json'), 'utf8')) as { items: { url: string; split: string }[] };
      expect(twm.items).toHaveLength(3);
      expect(new Set(twm.items.map((i) => i.url)).size).toBe(3);
      for (const i of twm.items) expect(existsSync(join(tmp, 'twins', i.url)), i.url).toBe(true);
    } finally {
      server.close();
    }
  }, 120_000);
});

