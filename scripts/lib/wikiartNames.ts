/** Where `npm run wikiart` saves each painting. */
import { basename, dirname, join } from 'node:path';

/**
 * Each painting's file: its style's folder and its own name, made unique — WikiArt's URLs are
 * <artist>/<title>.jpg, and two artists' "self-portrait" in one style were saved as one file
 * that the manifest listed twice (once for training, once for validation). A name that recurs
 * in a folder takes its artist's folder as a prefix, then its position; the others keep theirs,
 * so an earlier download is resumed.
 */
export function uniqueTargets(items: { dir: string; path: string }[]): string[] {
  const stem = (p: string) => basename(p).replace(/\.\w+$/, '');
  const plain = items.map((it) => join(it.dir, `${stem(it.path)}.jpg`));
  const count = new Map<string, number>();
  for (const p of plain) count.set(p, (count.get(p) ?? 0) + 1);
  const named = items.map((it, i) => (count.get(plain[i]!)! > 1 ? join(it.dir, `${basename(dirname(it.path)) || 'x'}_${stem(it.path)}.jpg`) : plain[i]!));
  const seen = new Map<string, number>();
  return named.map((p) => {
    const n = (seen.get(p) ?? 0) + 1;
    seen.set(p, n);
    return n === 1 ? p : p.replace(/\.jpg$/, `-${n}.jpg`);
  });
}
