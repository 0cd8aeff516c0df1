import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sharedFile } from '../../../test/shared';
import { EMPTY_FILE, leaveOutNonImages, NOT_AN_IMAGE_INSIDE, evenQuota, fromPaths, limitPerClass, parseJsonManifest, parseWikiartCsv, rebase, splitRows, stratifiedSplit, WIKIART_CLASSES } from './dataset';
import { classCounts, classesWithImages, datasetWarnings, largestClass, majorityShare, unbalanced } from './datasetChecks';
import { fetchAll } from '../runtime/download';

describe('datasets', () => {
  it('a folder of class folders: classes from the parent folder, non-images skipped and counted', () => {
    const ds = fromPaths(['art/Baroque/a.jpg', 'art/Baroque/b.JPG', 'art/Symbolism/c.png', 'art/Symbolism/notes.txt', 'art/.DS_Store', 'loose.jpg']);
    expect(ds.classes).toEqual(['Baroque', 'Symbolism']);
    expect(classCounts(ds)).toEqual([2, 1]);
    expect(ds.skipped).toEqual([
      { reason: 'not an image', count: 1, examples: ['art/Symbolism/notes.txt'] },
      { reason: 'image not inside a class folder', count: 1, examples: ['loose.jpg'] },
    ]);
  });

  it('classes are where the paths part: a wrapping folder is not a class, and a class folder\'s sub-folders stay in it', () => {
    const classesOf = (paths: string[]) => {
      const ds = fromPaths(paths);
      return ds.items.map((it) => `${it.source}→${ds.classes[it.label]}`);
    };
    // A class folder with sub-folders (it made a class "Rembrandt" of them).
    expect(classesOf(['Baroque/a.jpg', 'Baroque/Rembrandt/b.jpg', 'Symbolism/c.jpg'])).toEqual(['Baroque/Rembrandt/b.jpg→Baroque', 'Baroque/a.jpg→Baroque', 'Symbolism/c.jpg→Symbolism']);
    // The same under a picked folder's own name, and under two wrapping folders.
    expect(classesOf(['art/Baroque/Rembrandt/b.jpg', 'art/Symbolism/c.jpg'])).toEqual(['art/Baroque/Rembrandt/b.jpg→Baroque', 'art/Symbolism/c.jpg→Symbolism']);
    expect(classesOf(['photos/2019/cats/1.jpg', 'photos/2019/dogs/2.jpg'])).toEqual(['photos/2019/cats/1.jpg→cats', 'photos/2019/dogs/2.jpg→dogs']);
    // Windows separators, as a zip made there lists them.
    expect(classesOf(['art\\Baroque\\a.jpg', 'art\\Symbolism\\b.jpg'])).toEqual(['art\\Baroque\\a.jpg→Baroque', 'art\\Symbolism\\b.jpg→Symbolism']);
  });

  it('a folder with class folders and loose images besides: the class folders are the classes, the loose images are left out and counted', () => {
    const ds = fromPaths(['paintings/0.jpg', 'paintings/Baroque/1.jpg', 'paintings/Symbolism/2.jpg', 'paintings/x.jpg']);
    expect(ds.classes).toEqual(['Baroque', 'Symbolism']);
    expect(ds.items.map((it) => it.source)).toEqual(['paintings/Baroque/1.jpg', 'paintings/Symbolism/2.jpg']);
    expect(ds.skipped).toEqual([{ reason: 'image not inside a class folder', count: 2, examples: ['paintings/0.jpg', 'paintings/x.jpg'] }]);
    // Named in the warning, at most three and an ellipsis, so a student can find them.
    expect(datasetWarnings(fromPaths(['p/A/1.jpg', 'p/B/2.jpg', ...['a', 'b', 'c', 'd'].map((x) => `p/${x}.jpg`)]))).toContain('4 skipped: image not inside a class folder: p/a.jpg, p/b.jpg, p/c.jpg, …');
    // Deeper down, too; and one sub-folder beside loose images is still one class of them all.
    expect(fromPaths(['me/art/0.jpg', 'me/art/A/1.jpg', 'me/art/B/2.jpg']).classes).toEqual(['A', 'B']);
    expect(fromPaths(['art/0.jpg', 'art/A/1.jpg']).classes).toEqual(['art']);
  });

  it('a folder of loose images is one class: the warning says how to lay the folder out', () => {
    const w = datasetWarnings(fromPaths(['paintings/1.jpg', 'paintings/2.jpg'])).join(' ');
    expect(w).toMatch(/only one class \(paintings\): a classifier needs at least two/);
    expect(w).toMatch(/one sub-folder of images per class \(paintings\/Baroque\/…, paintings\/Symbolism\/…\)/);
  });

  it('files named like images whose bytes are none are left out and counted before the split; unreadable ones stay for training to name', async () => {
    const bytes: Record<string, Uint8Array | null> = {
      'd/A/1.jpg': new Uint8Array([0xff, 0xd8, 0xff, 0xe0]),
      'd/A/notes.jpg': new TextEncoder().encode('just some text'),
      'd/B/2.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47]),
      'd/B/page.png': new TextEncoder().encode('<html>404</html>'),
      'd/B/gone.png': null,
      'd/B/empty.png': new Uint8Array(0),
    };
    const ds = fromPaths(Object.keys(bytes));
    const kept = await leaveOutNonImages(ds, async (s) => bytes[s] ?? null, 2);
    expect(kept.items.map((it) => it.source)).toEqual(['d/A/1.jpg', 'd/B/2.png', 'd/B/gone.png']);
    expect(kept.skipped).toEqual([
      { reason: NOT_AN_IMAGE_INSIDE, count: 2, examples: ['d/A/notes.jpg', 'd/B/page.png'] },
      { reason: EMPTY_FILE, count: 1, examples: ['d/B/empty.png'] },
    ]);
    expect(datasetWarnings(kept)).toContain(`2 skipped: ${NOT_AN_IMAGE_INSIDE}: d/A/notes.jpg, d/B/page.png`);
    expect(datasetWarnings(kept)).toContain('1 skipped: empty file (0 bytes): d/B/empty.png');
    // Nothing to leave out: the same dataset back.
    expect(await leaveOutNonImages(kept, async () => new Uint8Array([0xff, 0xd8, 0xff]))).toBe(kept);
  });

  it('counts the classes that have images (a class folder with none does not count)', () => {
    expect(classesWithImages([3, 0, 1])).toBe(2);
    expect(classesWithImages([0, 0])).toBe(0);
    expect(classesWithImages(classCounts(fromPaths(['x/A/1.jpg', 'x/A/2.jpg'])))).toBe(1);
  });

  it('says when the classes are unbalanced enough that always answering the largest beats chance by 25 points', () => {
    expect(majorityShare([100, 3, 1])).toBeCloseTo(100 / 104);
    expect([largestClass([3, 100, 1]), largestClass([5, 5]), largestClass([])]).toEqual([1, 0, 0]);
    expect(majorityShare([0, 0])).toBe(0);
    expect(unbalanced([100, 3, 1])).toBe(true);
    expect(unbalanced([75, 25])).toBe(true);
    expect(unbalanced([70, 30])).toBe(false);
    expect(unbalanced([572, 572, 572, 572, 572, 572, 572])).toBe(false);
    expect(unbalanced([5, 0])).toBe(false); // one class: said otherwise
    const paths = [...Array.from({ length: 20 }, (_, i) => `x/Baroque/${i}.jpg`), 'x/Symbolism/1.jpg', 'x/Symbolism/2.jpg', 'x/Symbolism/3.jpg', 'x/Symbolism/4.jpg', 'x/Symbolism/5.jpg'];
    expect(datasetWarnings(fromPaths(paths))).toContain('unbalanced classes: "Baroque" has 80 % of the images, so always answering Baroque scores about 0.80: beat that, not chance (1/2)');
    expect(datasetWarnings(fromPaths(paths.slice(10))).join(' ')).not.toMatch(/unbalanced/); // 10 / 5
  });

  it('warns about a single class, tiny classes and duplicates', () => {
    expect(datasetWarnings(fromPaths(['x/A/1.jpg', 'x/A/2.jpg'])).join(' ')).toMatch(/only one class \(A\)/);
    const w = datasetWarnings(parseJsonManifest(JSON.stringify({ classes: ['a', 'b'], items: [{ url: 'u1', label: 0 }, { url: 'u1', label: 0 }, { url: 'u2', label: 1 }] })));
    expect(w.join(' ')).toMatch(/class "a" has only 2 images/);
    expect(w.join(' ')).toMatch(/1 duplicate entry/);
    expect(datasetWarnings(fromPaths([]))[0]).toMatch(/no images found/);
  });

  it('parses the course manifest (10,000 rows, 1,000 per style, its own 800/200 split)', () => {
    const ds = parseWikiartCsv(readFileSync(sharedFile('datasets/wikiart-course/wikiart.csv.gz')));
    expect(ds.classes).toEqual(WIKIART_CLASSES);
    expect(ds.items).toHaveLength(10_000);
    expect(classCounts(ds)).toEqual(new Array(10).fill(1000));
    expect(ds.items.filter((i) => i.split === 'val')).toHaveLength(2000);
    expect(ds.items[0]!.source).toBe('http://uploads5.wikiart.org/images/boris-kustodiev/under-honey-s-harmonica-1927.jpg');
    const local = parseWikiartCsv(readFileSync(sharedFile('datasets/wikiart-course/wikiart.csv.gz')), { baseUrl: 'http://127.0.0.1:9/mirror' });
    expect(local.items[0]!.source).toBe('http://127.0.0.1:9/mirror/images/boris-kustodiev/under-honey-s-harmonica-1927.jpg');
    const course = limitPerClass(ds, 400, 0);
    expect(classCounts(course)).toEqual(new Array(10).fill(400));
    expect(() => parseWikiartCsv('a,b\n1,2')).toThrow(/no "image_url" column/);
  });

  it('JSON manifests resolve URLs against the manifest and accept class names as labels', () => {
    const ds = parseJsonManifest(JSON.stringify({ classes: ['cat', 'dog'], items: [{ url: 'img/1.jpg', label: 'dog', split: 'test' }, { url: 'x', label: 7 }] }), 'http://h/data/m.json');
    expect(ds.items).toEqual([{ source: 'http://h/data/img/1.jpg', label: 1, split: 'val' }]);
    expect(ds.skipped).toEqual([{ reason: 'bad manifest entry', count: 1 }]);
    expect(() => parseJsonManifest('{')).toThrow(/not valid JSON/);
  });

  it('a null manifest, null items, labels that are neither a name nor an index, and binary files get words, not TypeErrors', () => {
    expect(() => parseJsonManifest('null')).toThrow('the manifest must be a JSON object with "classes" and "items"');
    expect(() => parseJsonManifest('[1,2]')).toThrow(/must be a JSON object/);
    const ds = parseJsonManifest(JSON.stringify({ classes: ['a', 'b'], items: [null, { url: 'x.jpg', label: true }, { url: 'y.jpg', label: 1 }] }));
    expect(ds.items).toEqual([{ source: 'y.jpg', label: 1, split: undefined }]);
    expect(ds.skipped).toEqual([{ reason: 'bad manifest entry', count: 2 }]);
    const jpeg = new TextDecoder().decode(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46]));
    expect(() => parseJsonManifest(jpeg)).toThrow('the manifest is not JSON text: it looks like a binary file (an image or an archive?)');
    expect(() => parseWikiartCsv(Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46]))).toThrow(/the CSV is not text/);
    const gz = readFileSync(sharedFile('datasets/wikiart-course/wikiart.csv.gz'));
    expect(() => parseWikiartCsv(gz.subarray(0, 200))).toThrow(/the \.gz file is damaged or cut short/);
  });

  it('stratified split: seeded, per-class proportions, manifest split kept', () => {
    const ds = fromPaths(Array.from({ length: 50 }, (_, i) => `d/${i < 30 ? 'A' : 'B'}/${i}.jpg`));
    const a = stratifiedSplit(ds, 0.2, 1);
    const b = stratifiedSplit(ds, 0.2, 1);
    const c = stratifiedSplit(ds, 0.2, 2);
    expect(a.items.map((i) => i.split)).toEqual(b.items.map((i) => i.split));
    expect(a.items.map((i) => i.split)).not.toEqual(c.items.map((i) => i.split));
    expect(a.items.filter((i) => i.label === 0 && i.split === 'val')).toHaveLength(6);
    expect(a.items.filter((i) => i.label === 1 && i.split === 'val')).toHaveLength(4);
    expect(rebase('http://x.org/a/b.jpg?q=1', 'http://127.0.0.1:8/')).toBe('http://127.0.0.1:8/a/b.jpg?q=1');
  });
});

describe('evenQuota', () => {
  it('splits a total over the classes exactly, the first ones taking the remainder', () => {
    const ds = fromPaths(['a', 'b', 'c'].flatMap((c) => [1, 2, 3, 4, 5].map((i) => `d/${c}/${i}.jpg`)));
    for (const [total, want] of [[7, [3, 2, 2]], [3, [1, 1, 1]], [2, [1, 1, 0]], [15, [5, 5, 5]]] as const) {
      const got = classCounts(limitPerClass(ds, evenQuota(total, 3), 1));
      expect(got, `--limit ${total}`).toEqual(want);
    }
  });
});

describe('splitRows', () => {
  const ds = stratifiedSplit(fromPaths(['d/a/1.jpg', 'd/a/2.jpg', 'd/a/3.jpg', 'd/a/4.jpg', 'd/b/1.jpg', 'd/b/2.jpg', 'd/b/3.jpg', 'd/b/4.jpg']), 0.25, 0);
  const val = ds.items.flatMap((it, i) => (it.split === 'val' ? [i] : []));
  const train = ds.items.flatMap((it, i) => (it.split === 'val' ? [] : [i]));
  it('gives the read rows of each split', () => {
    const used = [...train, ...val].sort((a, b) => a - b);
    const { tr, va } = splitRows(ds, used);
    expect(tr.length + va.length).toBe(8);
    expect(va.map((k) => used[k])).toEqual(val);
  });
  it('says why a split is empty: nothing read, or one split unreadable', () => {
    expect(() => splitRows(ds, [])).toThrow('none of the 8 images could be read (failed downloads, or files that are not images): nothing to train on');
    expect(() => splitRows(ds, train)).toThrow(`the validation split has no image that could be read (${val.length} of 8 could not be read)`);
    expect(() => splitRows(ds, val)).toThrow(`the training split has no image that could be read (${train.length} of 8 could not be read)`);
    expect(() => splitRows({ ...ds, items: [] }, [])).toThrow('the dataset has no images');
  });
});

describe('batch downloads', () => {
  it('limits concurrency, retries with back-off, and skips and counts failures', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const attempts = new Map<string, number>();
    const server = createServer((req, res) => {
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const n = (attempts.get(req.url!) ?? 0) + 1;
      attempts.set(req.url!, n);
      setTimeout(() => {
        inFlight--;
        if (req.url === '/gone') res.writeHead(404).end();
        else if (req.url === '/flaky' && n < 3) res.writeHead(503).end();
        else res.writeHead(200).end(req.url);
      }, 10);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const urls = [...Array.from({ length: 10 }, (_, i) => `${base}/ok${i}`), `${base}/flaky`, `${base}/gone`];
    const progress: number[] = [];
    const r = await fetchAll(urls, { concurrency: 3, retries: 3, backoffMs: 5, onProgress: (d) => progress.push(d) });
    server.close();
    expect(maxInFlight).toBeLessThanOrEqual(3);
    expect(new TextDecoder().decode(r.bodies[10]!)).toBe('/flaky');
    expect(attempts.get('/flaky')).toBe(3);
    expect(attempts.get('/gone')).toBe(1); // a 404 is not retried
    expect(r.bodies[11]).toBeNull();
    expect(r.failed).toEqual([{ url: `${base}/gone`, error: 'HTTP 404' }]);
    expect(progress.at(-1)).toBe(12);
  });
});
