/**
 * Loading a layers model with one copy of its weights in backend memory, not two.
 *
 * tf.loadLayersModel builds the model first — every weight initialised (to zeros at best) — and
 * only then writes the file's weights over them: for a moment both exist. On WASM that moment
 * sets the heap's size for good (it never shrinks): VGG16 loaded into a 1,136 MB heap to hold
 * 528 MB of weights. Here the file's weights are decoded first and each layer takes its
 * decoded tensor as its initial value (a registered initializer that hands it over, no copy).
 * The model saves exactly as before: the initializer reports the file's own initializer.
 *
 * Anything this cannot place with certainty (optimizer weights, a layer whose weight names do
 * not follow layer/attribute) is loaded by tf.loadLayersModel instead, as before.
 */
import * as tf from '@tensorflow/tfjs';

type Json = Record<string, unknown>;
interface InitializerJson {
  class_name: string;
  config: Json;
}

/** The decoded tensors of the loads in flight, and the initializer each replaces, by key. */
const pending = new Map<string, { tensor: tf.Tensor; original: InitializerJson; name: string }>();
let loads = 0;

class Preloaded extends tf.serialization.Serializable {
  static className = 'TransferLensPreloaded';
  private readonly key: string;
  private readonly original: InitializerJson;
  constructor(config: { key: string }) {
    super();
    const entry = pending.get(config.key);
    if (!entry) throw new Error(`no preloaded weight ${config.key}`);
    this.key = config.key;
    this.original = entry.original;
  }
  /** The decoded tensor, once (a layer builds its weights once); the layer's variable takes its data. */
  apply(shape: number[]): tf.Tensor {
    const entry = pending.get(this.key);
    if (!entry) throw new Error('a preloaded weight is handed over once');
    const t = entry.tensor;
    if (!tf.util.arraysEqual(t.shape, shape)) throw new Error(`weight ${entry.name} has shape [${String(t.shape)}] in the file; its layer wants [${String(shape)}]`);
    pending.delete(this.key);
    return t;
  }
  override getClassName(): string {
    return this.original.class_name;
  }
  getConfig(): tf.serialization.ConfigDict {
    return this.original.config as tf.serialization.ConfigDict;
  }
}
tf.serialization.registerClass(Preloaded);

/** Initializer attribute of a layer config → the name its weight gets (layer/…). */
const WEIGHT_OF: Record<string, string> = {
  kernel_initializer: 'kernel',
  bias_initializer: 'bias',
  gamma_initializer: 'gamma',
  beta_initializer: 'beta',
  moving_mean_initializer: 'moving_mean',
  moving_variance_initializer: 'moving_variance',
  depthwise_initializer: 'depthwise_kernel',
  pointwise_initializer: 'pointwise_kernel',
  embeddings_initializer: 'embeddings',
  alpha_initializer: 'alpha',
};

/** The layer configs of a (functional or sequential) topology, or null when they are nested deeper. */
function layerConfigs(topology: Json): Json[] | null {
  const modelConfig = (topology.model_config as Json | undefined) ?? topology;
  const layers = (modelConfig.config as Json | undefined)?.layers ?? modelConfig.config;
  if (!Array.isArray(layers)) return null;
  const out = layers as Json[];
  // A model inside the model names its weights differently: leave it to tf.loadLayersModel.
  if (out.some((l) => (l.config as Json | undefined)?.layers !== undefined)) return null;
  return out;
}

/**
 * The topology with each weight's initializer pointing at its decoded tensor, and the keys used;
 * null where some weight in the file would not be placed this way.
 */
function rewire(artifacts: tf.io.ModelArtifacts, tensors: tf.NamedTensorMap, load: number): { topology: Json; keys: string[] } | null {
  const topology = JSON.parse(JSON.stringify(artifacts.modelTopology)) as Json;
  const layers = layerConfigs(topology);
  if (!layers) return null;
  const keys: string[] = [];
  const placed = new Set<string>();
  for (const layer of layers) {
    const config = layer.config as Json | undefined;
    const name = config?.name;
    if (!config || typeof name !== 'string') return null;
    for (const [attr, weight] of Object.entries(WEIGHT_OF)) {
      const init = config[attr] as InitializerJson | undefined;
      const tensor = tensors[`${name}/${weight}`];
      if (!init || !tensor) continue;
      // Letters and digits only: TF.js camel-cases strings with underscores in a topology.
      const key = `w${load}n${keys.length}`;
      pending.set(key, { tensor, original: init, name: `${name}/${weight}` });
      keys.push(key);
      placed.add(`${name}/${weight}`);
      config[attr] = { class_name: Preloaded.className, config: { key } };
    }
  }
  return placed.size === Object.keys(tensors).length ? { topology, keys } : null;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2, complex64: 8 };

/** Bytes a weight takes in the file: its element count × its stored (quantized) size; NaN where unreadable. */
export function storedBytes(spec: tf.io.WeightsManifestEntry): number {
  return spec.shape.reduce((a, b) => a * b, 1) * (BYTES[spec.quantization?.dtype ?? spec.dtype] ?? NaN);
}

/**
 * The weights as tensors, one at a time: a float32 weight straight from a view of the file's
 * bytes (tf.io.decodeWeights first copies each weight out of the buffer: +411 MB of JS memory
 * for VGG16's fc6 while it loads); quantized and unaligned ones through tf.io.decodeWeights.
 */
function decode(data: tf.io.WeightData, specs: tf.io.WeightsManifestEntry[]): tf.NamedTensorMap {
  const whole = Array.isArray(data) ? (data.length === 1 ? data[0]! : null) : data;
  if (!whole) return tf.io.decodeWeights(data, specs);
  const out: tf.NamedTensorMap = {};
  let offset = 0;
  try {
    for (const spec of specs) {
      const n = tf.util.sizeFromShape(spec.shape);
      const bytes = storedBytes(spec);
      if (!(offset + bytes <= whole.byteLength)) throw new Error(`the weight file is shorter than its manifest says (at ${spec.name})`);
      out[spec.name] =
        spec.dtype === 'float32' && !spec.quantization && offset % 4 === 0
          ? tf.tensor(new Float32Array(whole, offset, n), spec.shape, 'float32')
          : tf.io.decodeWeights(whole.slice(offset, offset + bytes), [spec])[spec.name]!;
      offset += bytes;
    }
  } catch (e) {
    tf.dispose(Object.values(out));
    throw e;
  }
  return out;
}

/** Same result as tf.loadLayersModel(tf.io.fromMemory(artifacts)), with one copy of the weights at a time. */
export async function layersModelFromArtifacts(artifacts: tf.io.ModelArtifacts): Promise<tf.LayersModel> {
  const stock = () => tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const specs = artifacts.weightSpecs;
  if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer || !specs || !artifacts.weightData) return stock();
  if (specs.some((s) => s.group === 'optimizer' || s.name.startsWith('optimizer'))) return stock();
  const load = ++loads;
  if (specs.some((s) => s.dtype === 'string')) return stock();
  const tensors = decode(artifacts.weightData, specs);
  const plan = rewire(artifacts, tensors, load);
  if (!plan) {
    tf.dispose(Object.values(tensors));
    return stock();
  }
  const ids = new Map(Object.entries(tensors).map(([n, t]) => [n, t.dataId]));
  const { weightData: _data, weightSpecs: _specs, ...rest } = artifacts;
  let model: tf.LayersModel;
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    model = await tf.loadLayersModel(tf.io.fromMemory({ ...rest, modelTopology: plan.topology }));
  } catch (e) {
    // The weights not yet taken, and the variables of the layers built before the failure.
    for (const k of plan.keys) pending.get(k)?.tensor.dispose();
    for (const [name, v] of Object.entries(tf.engine().registeredVariables)) if (!variablesBefore.has(name)) v.dispose();
    throw e;
  } finally {
    for (const k of plan.keys) pending.delete(k);
  }
  // Each layer variable took its decoded tensor's data (no copy); our handles on them go.
  tf.dispose(Object.values(tensors));
  const intact = model.weights.length === ids.size && model.weights.every((w) => ids.get(w.originalName) === w.read().dataId);
  if (!intact) {
    // Not expected: a layer that builds its weights some other way. Load as TF.js would.
    model.dispose();
    return stock();
  }
  return model;
}

/** Weights handed to a load and not yet taken by a layer (0 between loads; for tests). */
export function pendingPreloads(): number {
  return pending.size;
}
