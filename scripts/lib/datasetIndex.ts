/** public/datasets/index.json: the prepared datasets the studio offers, one entry per folder with a manifest.json. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from './outputs';

export function writeDatasetIndex(root: string): number {
  const list = readdirSync(root)
    .filter((d) => existsSync(join(root, d, 'manifest.json')))
    .map((d) => {
      const m = JSON.parse(readFileSync(join(root, d, 'manifest.json'), 'utf8')) as { name?: string; classes: string[]; items: unknown[]; sample?: boolean };
      return { name: m.name ?? d, url: `datasets/${d}/manifest.json`, images: m.items.length, classes: m.classes.length, ...(m.sample ? { sample: true } : {}) };
    })
    // The sample set first: it is the one-click start.
    .sort((a, b) => Number(!!b.sample) - Number(!!a.sample) || a.name.localeCompare(b.name));
  writeFileAtomic(join(root, 'index.json'), JSON.stringify({ datasets: list }, null, 2));
  return list.length;
}
