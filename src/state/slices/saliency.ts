/** The saliency screen: images, their maps, the method's parameters and the display. */
import type { Colormap } from '../../viz/colormap';
import type { SaliencyParams, SaliencyResult } from '../../worker/model/protocol';

export interface SalImage {
  id: string;
  name: string;
  width: number;
  height: number;
  /** Decoded RGBA pixels, kept to recompute maps for other classes or methods. */
  pixels: Uint8ClampedArray;
  /** Object URL of the original file, for the thumbnail. */
  thumb: string;
  /** The sample image's file name, when it came from the app's samples (for links). */
  sample?: string;
  /** The file as given (not a sample's): kept so a reload gives it back (keptImages.ts). */
  file?: Blob;
}

export interface SaliencySlice {
  salImages: SalImage[];
  salActive: string | null;
  salResults: Record<string, SaliencyResult>;
  salParams: SaliencyParams;
  /** The class the maps explain; null = each image's top-1 class. */
  salClass: number | null;
  salDisplay: { colormap: Colormap; opacity: number; clip: number };
  /** Work in progress: decoding dropped files, or a map (method, passes done of total). */
  salBusy: { imageId: string; done: number; total: number; method: string; phase?: 'decode' | 'map' } | null;
  salError: string | null;
  /** Samples other than the photos (Try it: held-back paintings, each with its true class). */
  salSampleSet: { label: string; items: { name: string; url: string; truth?: string }[] } | null;
  /** The compare strip: the same image and class under the methods side by side, per image id. */
  salCompare: Record<string, Partial<Record<string, SaliencyResult>>>;
  salClassModel: { running: boolean; rgba: Uint8ClampedArray | null; width: number; height: number; step: number; score: number; classIndex: number | null };
}

export const DEFAULT_SALIENCY_PARAMS: SaliencyParams = {
  method: 'vanilla',
  aggregate: 'max',
  target: 'logit',
  samples: 25,
  noisePct: 15,
  steps: 32,
  baseline: 'black',
  layer: null,
  batchSize: 1,
};

export const initialSaliency = (): SaliencySlice => ({
  salImages: [],
  salActive: null,
  salResults: {},
  salParams: { ...DEFAULT_SALIENCY_PARAMS },
  salClass: null,
  salDisplay: { colormap: 'viridis', opacity: 0.7, clip: 99 },
  salBusy: null,
  salError: null,
  salSampleSet: null,
  salCompare: {},
  salClassModel: { running: false, rgba: null, width: 0, height: 0, step: 0, score: 0, classIndex: null },
});
