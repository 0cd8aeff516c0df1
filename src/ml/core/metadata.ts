/** The self-describing model contract: `userDefinedMetadata.transferlens` in model.json. */

export type PreprocessMode = 'torch' | 'caffe' | 'unit';
export const PREPROCESS_MODES: readonly PreprocessMode[] = ['torch', 'caffe', 'unit'];

export interface Preprocess {
  mode: PreprocessMode;
  /** Per-channel mean in the model's channel order, in the mode's units (0..1 or 0..255). */
  mean: number[];
  std: number[];
  channelOrder: 'RGB' | 'BGR';
}

export interface ModelMeta {
  arch: string;
  name: string;
  source: string;
  inputSize: [number, number];
  preprocess: Preprocess;
  labels: string[];
  /** Layer whose output is the frozen trunk's features (also Grad-CAM's default layer). */
  trunkOutput: string | null;
  /** Classifier layers, input → output. */
  classifierLayers: string[];
}

export const PREPROCESS: Record<PreprocessMode, Preprocess> = {
  torch: { mode: 'torch', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channelOrder: 'RGB' },
  caffe: { mode: 'caffe', mean: [104, 117, 123], std: [1, 1, 1], channelOrder: 'BGR' },
  unit: { mode: 'unit', mean: [0, 0, 0], std: [1, 1, 1], channelOrder: 'RGB' },
};

export function isPreprocessMode(s: string): s is PreprocessMode {
  return (PREPROCESS_MODES as readonly string[]).includes(s);
}

/** Pixel scale applied before the mean/std: torch and unit work in [0,1], caffe in [0,255]. */
export function pixelScale(mode: PreprocessMode): number {
  return mode === 'caffe' ? 1 : 1 / 255;
}

export interface ParsedMeta {
  meta: ModelMeta;
  /** False when the model carried no TransferLens metadata and defaults were used. */
  fromFile: boolean;
  warnings: string[];
}

export interface ModelShapeInfo {
  inputShape: (number | null)[];
  numOutputs: number;
  name: string;
}

function isNumArray(v: unknown, len?: number): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) && (len === undefined || v.length === len);
}

export function numericLabels(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `class ${i}`);
}

export function defaultMeta(info: ModelShapeInfo): ModelMeta {
  const [, h, w] = info.inputShape;
  return {
    arch: 'unknown',
    name: info.name,
    source: 'user model (no TransferLens metadata)',
    inputSize: [h ?? 224, w ?? 224],
    preprocess: { ...PREPROCESS.unit },
    labels: numericLabels(info.numOutputs),
    trunkOutput: null,
    classifierLayers: [],
  };
}

/**
 * Reads `userDefinedMetadata` (or nothing) into a complete ModelMeta. Missing or
 * malformed fields fall back to defaults and are reported, never thrown: a model
 * must still load so the user can fix the settings by hand.
 */
export function parseMeta(userDefined: unknown, info: ModelShapeInfo): ParsedMeta {
  const base = defaultMeta(info);
  const raw = (userDefined as { transferlens?: unknown } | undefined)?.transferlens;
  if (raw === undefined || raw === null || typeof raw !== 'object') return { meta: base, fromFile: false, warnings: [] };
  const r = raw as Record<string, unknown>;
  const warnings: string[] = [];
  const meta: ModelMeta = { ...base };
  if (typeof r.arch === 'string') meta.arch = r.arch;
  if (typeof r.name === 'string') meta.name = r.name;
  if (typeof r.source === 'string') meta.source = r.source;
  if (isNumArray(r.inputSize, 2)) meta.inputSize = [r.inputSize[0]!, r.inputSize[1]!];
  else if (r.inputSize !== undefined) warnings.push('inputSize is not [h, w]; using the model input shape');
  const p = r.preprocess as Record<string, unknown> | undefined;
  if (p && typeof p.mode === 'string' && isPreprocessMode(p.mode)) {
    const preset = PREPROCESS[p.mode];
    meta.preprocess = {
      mode: p.mode,
      mean: isNumArray(p.mean, 3) ? p.mean : preset.mean,
      std: isNumArray(p.std, 3) && p.std.every((s) => s > 0) ? p.std : preset.std,
      channelOrder: p.channelOrder === 'BGR' || p.channelOrder === 'RGB' ? p.channelOrder : preset.channelOrder,
    };
  } else if (p !== undefined) warnings.push(`unknown preprocessing ${JSON.stringify(p?.mode)}; using 'unit'`);
  if (Array.isArray(r.labels) && r.labels.every((l) => typeof l === 'string')) {
    if (r.labels.length === info.numOutputs) meta.labels = r.labels as string[];
    else warnings.push(`metadata has ${r.labels.length} labels but the model outputs ${info.numOutputs}; using numbers`);
  }
  if (typeof r.trunkOutput === 'string') meta.trunkOutput = r.trunkOutput;
  if (Array.isArray(r.classifierLayers) && r.classifierLayers.every((l) => typeof l === 'string'))
    meta.classifierLayers = r.classifierLayers as string[];
  return { meta, fromFile: true, warnings };
}

export function metadataBlock(meta: ModelMeta): { transferlens: ModelMeta } {
  return { transferlens: meta };
}

/** First line of each label, e.g. "Doberman, Doberman pinscher". */
export function parseLabels(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}
