/**
 * Colormaps and saliency rendering: arrays in, RGBA pixels out. No tensors, no DOM.
 * viridis and inferno are perceptually uniform and colour-blind safe; the polynomial
 * fits (Matt Zucker, after matplotlib's data) are within ~0.015 of the tables.
 */

export type Colormap = 'viridis' | 'inferno' | 'gray';
export const COLORMAPS: readonly Colormap[] = ['viridis', 'inferno', 'gray'];

type Poly = [number, number, number][];
const POLY: Record<Exclude<Colormap, 'gray'>, Poly> = {
  viridis: [
    [0.2777273272234177, 0.005407344544966578, 0.3340998053353061],
    [0.1050930431085774, 1.404613529898575, 1.384590162594685],
    [-0.3308618287255563, 0.214847559468213, 0.09509516302823659],
    [-4.634230498983486, -5.799100973351585, -19.33244095627987],
    [6.228269936347081, 14.17993336680509, 56.69055260068105],
    [4.776384997670288, -13.74514537774601, -65.35303263337234],
    [-5.435455855934631, 4.645852612178535, 26.3124352495832],
  ],
  inferno: [
    [0.0002189403691192265, 0.001651004631001012, -0.01948089843709184],
    [0.1065134194856116, 0.5639564367884091, 3.932712388889277],
    [11.60249308247187, -3.972853965665698, -15.9423941062914],
    [-41.70399613139459, 17.43639888205313, 44.35414519872813],
    [77.162935699427, -33.40235894210092, -81.80730925738993],
    [-71.31942824499214, 32.62606426397723, 73.20951985803202],
    [25.13112622477341, -12.24266895238567, -23.07032500287172],
  ],
};

const luts = new Map<Colormap, Uint8ClampedArray>();

/** 256 RGB entries. */
export function lut(cm: Colormap): Uint8ClampedArray {
  let t = luts.get(cm);
  if (t) return t;
  t = new Uint8ClampedArray(256 * 3);
  for (let i = 0; i < 256; i++) {
    const x = i / 255;
    for (let c = 0; c < 3; c++) {
      if (cm === 'gray') t[i * 3 + c] = i;
      else {
        let v = 0;
        const p = POLY[cm];
        for (let k = p.length - 1; k >= 0; k--) v = v * x + p[k]![c]!;
        t[i * 3 + c] = Math.round(Math.min(1, Math.max(0, v)) * 255);
      }
    }
  }
  luts.set(cm, t);
  return t;
}

/** Value at percentile p (0..100), nearest rank: Hoare's selection, O(n), no full sort (it runs on the page's main thread). */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (values.length === 0) return 0;
  const a = Float32Array.from(values);
  const k = Math.min(a.length - 1, Math.max(0, Math.round((p / 100) * (a.length - 1))));
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i++] = a[j]!;
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k]!;
}

/**
 * Map → [0, 1], dividing by its `clip`-th percentile so a few bright pixels do not
 * wash the rest out (values above are clipped to 1). clip = 100 scales by the maximum.
 */
export function normalizeMap(map: ArrayLike<number>, clip = 99): Float32Array {
  let top = percentile(map, clip);
  if (!(top > 0)) top = percentile(map, 100);
  const out = new Float32Array(map.length);
  if (!(top > 0)) return out;
  for (let i = 0; i < map.length; i++) out[i] = Math.min(1, Math.max(0, map[i]! / top));
  return out;
}

export function colorize(map01: ArrayLike<number>, cm: Colormap): Uint8ClampedArray {
  const t = lut(cm);
  const out = new Uint8ClampedArray(map01.length * 4);
  for (let i = 0; i < map01.length; i++) {
    const k = Math.round(map01[i]! * 255) * 3;
    out[i * 4] = t[k]!;
    out[i * 4 + 1] = t[k + 1]!;
    out[i * 4 + 2] = t[k + 2]!;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/**
 * The colour-mapped map over the image; each pixel's opacity is `opacity × √((saliency − 0.1) / 0.9)`
 * (0 below a tenth of the top value), so unimportant regions show the photo and important ones the
 * colour. The square root: a vanilla gradient's map is mostly small values, and with opacity ∝
 * saliency only 1.9 % of a sample photo's pixels visibly changed (a projector showed the photo
 * with yellow specks). The floor: with the root alone the faintest tenth tinted the whole photo.
 */
/** Saliency below this share of the top value leaves the photo as it is. */
const FLOOR = 0.1;

export function overlay(base: ArrayLike<number>, map01: ArrayLike<number>, cm: Colormap, opacity: number): Uint8ClampedArray {
  if (base.length !== map01.length * 4) throw new Error('overlay: image and map sizes differ');
  const t = lut(cm);
  const out = new Uint8ClampedArray(base.length);
  for (let i = 0; i < map01.length; i++) {
    const m = map01[i]!;
    const a = Math.min(1, Math.max(0, opacity)) * Math.sqrt(Math.max(0, m - FLOOR) / (1 - FLOOR));
    const k = Math.round(m * 255) * 3;
    for (let c = 0; c < 3; c++) out[i * 4 + c] = base[i * 4 + c]! * (1 - a) + t[k + c]! * a;
    out[i * 4 + 3] = 255;
  }
  return out;
}

const normalizedCache = new WeakMap<object, { clip: number; out: Float32Array }>();
const overlayCache = new WeakMap<object, { base: ArrayLike<number>; cm: Colormap; opacity: number; out: Uint8ClampedArray }>();

/**
 * normalizeMap, remembered per map for its last clip: the main panels and the compare strip draw
 * the same map, and a result arriving should cost the page one pass, not two. Treat the array as read-only.
 */
export function normalizedMap(map: Float32Array, clip: number): Float32Array {
  const hit = normalizedCache.get(map);
  if (hit?.clip === clip) return hit.out;
  const out = normalizeMap(map, clip);
  normalizedCache.set(map, { clip, out });
  return out;
}

/** overlay, remembered per normalised map for its last image, colormap and opacity. Treat the array as read-only. */
export function overlayOf(base: ArrayLike<number>, map01: Float32Array, cm: Colormap, opacity: number): Uint8ClampedArray {
  const hit = overlayCache.get(map01);
  if (hit && hit.base === base && hit.cm === cm && hit.opacity === opacity) return hit.out;
  const out = overlay(base, map01, cm, opacity);
  overlayCache.set(map01, { base, cm, opacity, out });
  return out;
}

/** Fraction of pixels that differ by more than `tol` (for "the map changed" checks). */
export function fractionDifferent(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-6): number {
  let n = 0;
  for (let i = 0; i < a.length; i++) if (Math.abs(a[i]! - b[i]!) > tol) n++;
  return a.length ? n / a.length : 0;
}
