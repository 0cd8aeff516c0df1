/**
 * Reads PyTorch checkpoints (`torch.save(state_dict)`) in TypeScript, without Python.
 *
 * Supported: the zip format (PyTorch ≥ 1.6, `archive/data.pkl` + `archive/data/<key>`)
 * and the legacy tar-less format (magic number + 3 pickles + raw storages) that the
 * original torchvision ImageNet checkpoints were written in. Tensors become
 * float32 arrays in row-major order with their PyTorch shape.
 */
import { unzipSync } from 'fflate';
import { PyGlobal, PyObject, unpickle, UnpicklingError } from './pickle';

export interface TorchTensor {
  shape: number[];
  data: Float32Array;
  /** The storage's element type in the file (converted to float32 on read). */
  dtype: StorageDtype;
}

export type StateDict = Map<string, TorchTensor>;

type StorageDtype = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

const STORAGE_TYPES: Record<string, StorageDtype> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
};
const BYTES: Record<StorageDtype, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

interface StorageRef {
  key: string;
  dtype: StorageDtype;
  numel: number;
}

class LazyTensor {
  constructor(
    readonly storage: StorageRef,
    readonly offset: number,
    readonly shape: number[],
    readonly stride: number[],
  ) {}
}

const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;

export function readCheckpoint(bytes: Uint8Array): StateDict {
  if (bytes.length < 4) throw new CheckpointError('file is empty or too small to be a PyTorch checkpoint');
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return readZip(bytes);
  if (bytes[0] === 0x80) return readLegacy(bytes);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b)
    throw new CheckpointError('this is a gzip file, not a PyTorch checkpoint (decompress it first)');
  throw new CheckpointError(
    'not a PyTorch checkpoint: expected the zip format written by torch.save (PyTorch ≥ 1.6) or the legacy pickle format',
  );
}

/** A short, safe rendering of a pickled value for a message (BigInts, cycles and huge lists included). */
function describe(v: unknown): string {
  try {
    const text = JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? `${x}n` : x));
    return text === undefined ? String(v) : text.length > 120 ? `${text.slice(0, 120)}…` : text;
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/** Budgets checked before anything is allocated: no torchvision checkpoint comes near them. */
export const MAX_ENTRY_BYTES = 768 * 1024 * 1024;
export const MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024;
export const MAX_TENSOR_ELEMENTS = 1 << 28;

function storageFromPid(pid: unknown): StorageRef {
  // ('storage', <Global torch.FloatStorage>, key, location, numel[, view_metadata])
  if (!Array.isArray(pid) || pid[0] !== 'storage') throw new CheckpointError(`unexpected persistent id ${describe(pid)}`);
  const type = pid[1];
  const typeName = type instanceof PyGlobal ? type.name : String(type);
  const dtype = STORAGE_TYPES[typeName];
  if (!dtype) throw new CheckpointError(`unsupported storage type ${typeName}`);
  return { key: String(pid[2]), dtype, numel: Number(pid[4]) };
}

function findClass(module: string, name: string): ((...args: unknown[]) => unknown) | undefined {
  if (module === 'torch._utils' && (name === '_rebuild_tensor_v2' || name === '_rebuild_tensor')) {
    return (storage, offset, size, stride) =>
      new LazyTensor(storage as StorageRef, Number(offset), (size as unknown[]).map(Number), (stride as unknown[]).map(Number));
  }
  if (module === 'torch._utils' && name === '_rebuild_parameter') return (data) => data;
  if (module === 'torch._utils' && name === '_rebuild_parameter_with_state') return (data) => data;
  return undefined;
}

/** Unwrap `{state_dict: ...}`, `{model: ...}` and `module.` prefixes into a flat name → tensor map. */
function collectTensors(root: unknown): Map<string, LazyTensor> {
  let dict = root;
  if (dict instanceof Map) {
    for (const wrapper of ['state_dict', 'model_state_dict', 'model']) {
      const inner = dict.get(wrapper);
      if (inner instanceof Map) {
        dict = inner;
        break;
      }
    }
  }
  if (dict instanceof PyObject) throw new CheckpointError(`the checkpoint holds a pickled ${dict.cls.qualified} object, not a state_dict; save model.state_dict() instead`);
  if (!(dict instanceof Map)) throw new CheckpointError('the checkpoint does not hold a state_dict (a dict of tensors)');
  const out = new Map<string, LazyTensor>();
  for (const [k, v] of dict) {
    if (!(v instanceof LazyTensor)) continue;
    const key = String(k).startsWith('module.') ? String(k).slice('module.'.length) : String(k);
    out.set(key, v);
  }
  if (out.size === 0) throw new CheckpointError('the checkpoint holds no tensors');
  return out;
}

function materialise(t: LazyTensor, raw: Uint8Array): TorchTensor {
  const { dtype } = t.storage;
  const size = BYTES[dtype];
  const numel = t.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const read = (i: number): number => {
    const o = i * size;
    switch (dtype) {
      case 'float32':
        return view.getFloat32(o, true);
      case 'float64':
        return view.getFloat64(o, true);
      case 'float16':
        return halfToFloat(view.getUint16(o, true));
      case 'bfloat16':
        return new Float32Array(new Uint32Array([view.getUint16(o, true) << 16]).buffer)[0]!;
      case 'int64':
        return Number(view.getBigInt64(o, true));
      case 'int32':
        return view.getInt32(o, true);
      case 'int16':
        return view.getInt16(o, true);
      case 'int8':
        return view.getInt8(o);
      case 'uint8':
      case 'bool':
        return view.getUint8(o);
    }
  };
  // Checked before the allocation: a claimed shape must fit its storage and a sane budget.
  if (!Number.isSafeInteger(numel) || numel < 0 || numel > MAX_TENSOR_ELEMENTS)
    throw new CheckpointError(`a tensor of shape [${t.shape}] (${numel} elements) is larger than any layer of a supported network`);
  const maxIndex = t.offset + t.shape.reduce((acc, d, i) => acc + (d - 1) * t.stride[i]!, 0);
  if (numel > 0 && (maxIndex + 1) * size > raw.byteLength)
    throw new CheckpointError(`storage ${t.storage.key} is too small for a tensor of shape [${t.shape}]`);
  const data = new Float32Array(numel);
  const contiguous = t.shape.every((_, i) => t.stride[i] === t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  if (contiguous && dtype === 'float32' && (raw.byteOffset + t.offset * 4) % 4 === 0) {
    data.set(new Float32Array(raw.buffer, raw.byteOffset + t.offset * 4, numel));
  } else if (contiguous) {
    for (let i = 0; i < numel; i++) data[i] = read(t.offset + i);
  } else {
    const idx = new Array<number>(t.shape.length).fill(0);
    for (let i = 0; i < numel; i++) {
      let off = t.offset;
      for (let d = 0; d < idx.length; d++) off += idx[d]! * t.stride[d]!;
      data[i] = read(off);
      for (let d = idx.length - 1; d >= 0; d--) {
        if (++idx[d]! < t.shape[d]!) break;
        idx[d] = 0;
      }
    }
  }
  return { shape: t.shape, data, dtype };
}

function readZip(bytes: Uint8Array): StateDict {
  let files: Record<string, Uint8Array>;
  try {
    let total = 0;
    files = unzipSync(bytes, {
      filter: (f) => {
        if (f.originalSize > MAX_ENTRY_BYTES) throw new CheckpointError(`archive entry ${f.name} inflates to ${(f.originalSize / 1e6).toFixed(0)} MB: larger than any layer of a supported network`);
        total += f.originalSize;
        if (total > MAX_TOTAL_BYTES) throw new CheckpointError(`the archive inflates to more than ${MAX_TOTAL_BYTES / 1e9} GB: not a checkpoint of a supported network`);
        return true;
      },
    });
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    throw new CheckpointError(`the zip archive is corrupt: ${(e as Error).message}`);
  }
  const pklName = Object.keys(files).find((n) => n.endsWith('data.pkl') && n.split('/').length === 2);
  if (!pklName) throw new CheckpointError('zip file has no <archive>/data.pkl: not a torch.save checkpoint');
  const prefix = pklName.slice(0, -'data.pkl'.length);
  const byteorder = files[`${prefix}byteorder`];
  if (byteorder && new TextDecoder().decode(byteorder).trim() !== 'little')
    throw new CheckpointError('big-endian checkpoints are not supported');
  let root: unknown;
  try {
    root = unpickle(files[pklName]!, { findClass, persistentLoad: storageFromPid }).value;
  } catch (e) {
    if (e instanceof UnpicklingError) throw new CheckpointError(`cannot read data.pkl: ${e.message}`);
    throw e;
  }
  const out: StateDict = new Map();
  for (const [name, t] of collectTensors(root)) {
    const raw = files[`${prefix}data/${t.storage.key}`];
    if (!raw) throw new CheckpointError(`storage ${t.storage.key} of "${name}" is missing from the archive`);
    out.set(name, materialise(t, raw));
  }
  return out;
}

function readLegacy(bytes: Uint8Array): StateDict {
  let pos = 0;
  const next = (hooks = {}) => {
    const r = unpickle(bytes, hooks, pos);
    pos = r.end;
    return r.value;
  };
  let magic: unknown;
  try {
    magic = next();
  } catch {
    throw new CheckpointError('not a PyTorch checkpoint (cannot unpickle its header)');
  }
  if (magic !== LEGACY_MAGIC && magic !== Number(LEGACY_MAGIC))
    throw new CheckpointError('a pickle file, but not one written by torch.save (magic number missing)');
  next(); // protocol version
  next(); // sys info
  const storages = new Map<string, StorageRef>();
  const root = next({
    findClass,
    persistentLoad: (pid: unknown) => {
      // legacy: ('storage', type, key, location, numel, view_metadata)
      const ref = storageFromPid(pid);
      if (!storages.has(ref.key)) storages.set(ref.key, ref);
      return storages.get(ref.key);
    },
  });
  const keys = next() as unknown[];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const raw = new Map<string, Uint8Array>();
  for (const k of keys) {
    const ref = storages.get(String(k));
    if (!ref) throw new CheckpointError(`legacy checkpoint lists unknown storage ${String(k)}`);
    if (pos + 8 > bytes.length) throw new CheckpointError('legacy checkpoint is truncated');
    const numel = Number(view.getBigInt64(pos, true));
    pos += 8;
    const n = numel * BYTES[ref.dtype];
    if (pos + n > bytes.length) throw new CheckpointError('legacy checkpoint is truncated');
    raw.set(ref.key, bytes.subarray(pos, pos + n));
    pos += n;
  }
  const out: StateDict = new Map();
  for (const [name, t] of collectTensors(root)) {
    const r = raw.get(t.storage.key);
    if (!r) throw new CheckpointError(`storage ${t.storage.key} of "${name}" is missing`);
    out.set(name, materialise(t, r));
  }
  return out;
}

export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}
