/**
 * PadV2 for an NHWC tensor padded with zeros in height and width only (Keras' ZeroPadding2D:
 * AlexNet's conv1_pad) as a fill and one copy per image row. The stock WASM kernel took 41–61 ms
 * to pad a batch of 32 photos (19 MB) — 6–9 % of the AlexNet trunk. Other pads take the stock kernel.
 */
import { address, backendMemory, floatOutput } from './gemv';
import { overStock, type Info, type KernelFn, type KernelPatch } from './util';

function makePad(stock: KernelFn): KernelFn {
  return (args) => {
    const { x } = args.inputs as { x: Info };
    const { paddings, constantValue } = args.attrs as { paddings: [number, number][]; constantValue: number };
    const memory = backendMemory(args.backend);
    const [batchPad, , , channelPad] = paddings;
    if (!memory || x.shape.length !== 4 || x.dtype !== 'float32' || constantValue !== 0 || batchPad?.some((p) => p !== 0) || channelPad?.some((p) => p !== 0) || x.shape.some((d) => d === 0))
      return stock(args);
    const [n, h, w, c] = x.shape as [number, number, number, number];
    const [[top, bottom], [left, right]] = [paddings[1]!, paddings[2]!];
    const [ho, wo] = [h + top + bottom, w + left + right];
    const out = floatOutput(args.backend, [n, ho, wo, c]);
    // Float32 indices into the whole heap (taken after the output is allocated: the heap may grow).
    const heap = new Float32Array(memory.buffer);
    const src = address(args.backend, x.dataId) / 4;
    const dst = address(args.backend, out.dataId) / 4;
    heap.fill(0, dst, dst + n * ho * wo * c);
    const row = w * c;
    for (let b = 0; b < n; b++)
      for (let i = 0; i < h; i++) {
        const from = src + (b * h + i) * row;
        heap.copyWithin(dst + ((b * ho + i + top) * wo + left) * c, from, from + row);
      }
    return out;
  };
}

export const padPatch: KernelPatch = overStock('PadV2', makePad);
