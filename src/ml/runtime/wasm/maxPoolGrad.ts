/**
 * MaxPoolGrad for a 2×2, stride-2, valid pool (VGG16's five pools) by our kernel (kernelsWat.ts):
 * one SIMD pass where the stock WASM kernel took 132 ms of a 1.15 s VGG16 map (76 ms for the
 * first pool alone, whose forward pass takes under 1 ms). Other pools take the stock kernel.
 */
import { address, floatOutput, maxPool2GradFor } from './gemv';
import { overStock, type Info, type KernelFn, type KernelPatch } from './util';

interface PoolAttrs {
  filterSize: number | [number, number];
  strides: number | [number, number];
  pad: unknown;
  dimRoundingMode?: string;
}

const pair = (v: number | [number, number]) => (Array.isArray(v) ? v : [v, v]);
const is2 = (v: number | [number, number]) => pair(v).every((n) => n === 2);

function makeMaxPoolGrad(stock: KernelFn): KernelFn {
  return (args) => {
    const { dy, input, output } = args.inputs as { dy: Info; input: Info; output: Info };
    const a = args.attrs as unknown as PoolAttrs;
    const kernel = maxPool2GradFor(args.backend);
    const valid = a.pad === 'valid' || a.pad === 0;
    const [batch, h, w, c] = input.shape as [number, number, number, number];
    if (!kernel || !valid || !is2(a.filterSize) || !is2(a.strides) || input.shape.length !== 4 || c % 4 !== 0 || input.dtype !== 'float32' || !output)
      return stock(args);
    const { backend } = args;
    const dx = floatOutput(backend, input.shape);
    const at = (t: Info) => address(backend, t.dataId);
    kernel(at(input), at(output), at(dy), at(dx), batch, h, w, c);
    return dx;
  };
}

export const maxPoolGradPatch: KernelPatch = overStock('MaxPoolGrad', makeMaxPoolGrad);
