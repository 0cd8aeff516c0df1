/**
 * What a student should know of a dataset before training: how many images each class has, how
 * many classes have any, whether one class dominates (the score to beat is then not chance), and
 * the warnings the studio and the CLIs show. Pure data, beside dataset.ts which reads datasets.
 */
import type { Dataset } from './dataset';

export function classCounts(ds: Dataset): number[] {
  const counts = new Array<number>(ds.classes.length).fill(0);
  for (const it of ds.items) counts[it.label]!++;
  return counts;
}

/** How many classes have at least one image: a classifier needs two (the page, the worker and the CLIs all ask). */
export function classesWithImages(counts: readonly number[]): number {
  return counts.filter((c) => c > 0).length;
}

/**
 * The largest class's share of the images: the accuracy of always answering that class. On an
 * unbalanced dataset that, not chance (1/classes), is the score to beat.
 */
export function majorityShare(counts: readonly number[]): number {
  const total = counts.reduce((a, c) => a + c, 0);
  return total ? counts[largestClass(counts)]! / total : 0;
}

/** The index of the class with the most images (the first of equals). */
export function largestClass(counts: readonly number[]): number {
  return counts.reduce((best, c, i) => (c > counts[best]! ? i : best), 0);
}

/** Unbalanced enough to mislead: always answering the largest class beats chance by 25 points or more (75/25 of two classes). */
export function unbalanced(counts: readonly number[]): boolean {
  const used = classesWithImages(counts);
  return used >= 2 && majorityShare(counts) - 1 / used >= 0.25 - 1e-9;
}

/** Problems a student should see before training. */
export function datasetWarnings(ds: Dataset): string[] {
  const w: string[] = [];
  const counts = classCounts(ds);
  const used = classesWithImages(counts);
  if (ds.items.length === 0) w.push('no images found: the dataset needs one sub-folder of images per class');
  else if (used < 2)
    w.push(
      `only one class (${ds.classes[counts.findIndex((c) => c > 0)]}): a classifier needs at least two. Choose a folder that holds one sub-folder of images per class (paintings/Baroque/…, paintings/Symbolism/…), or drop two or more class folders at once`,
    );
  if (unbalanced(counts)) {
    const big = ds.classes[largestClass(counts)];
    const share = majorityShare(counts);
    w.push(`unbalanced classes: "${big}" has ${Math.round(100 * share)} % of the images, so always answering ${big} scores about ${share.toFixed(2)}: beat that, not chance (1/${used})`);
  }
  counts.forEach((c, i) => {
    if (c > 0 && c < 5) w.push(`class "${ds.classes[i]}" has only ${c} image${c === 1 ? '' : 's'} (fewer than 5)`);
    if (c === 0) w.push(`class "${ds.classes[i]}" has no images`);
  });
  const seen = new Set<string>();
  let dup = 0;
  for (const it of ds.items) {
    if (seen.has(it.source)) dup++;
    seen.add(it.source);
  }
  if (dup) w.push(`${dup} duplicate entr${dup === 1 ? 'y' : 'ies'}`);
  for (const s of ds.skipped) w.push(`${s.count} skipped: ${s.reason}${s.examples ? `: ${s.examples.join(', ')}${s.count > s.examples.length ? ', …' : ''}` : ''}`);
  return w;
}
