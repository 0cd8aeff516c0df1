/**
 * Conv2DBackpropFilter, which the WASM backend lacks (no conv gradient trained at all without it).
 * A convolution's filter gradient is itself a convolution —
 * dW[kh,kw,ci,co] = Σ_{n,oy,ox} Xpad[n, oy·s+kh, ox·s+kw, ci] · dy[n, oy, ox, co] —
 * i.e. conv2d(Xᵀ [Ci,H,W,N], dyᵀ [OH,OW,N,Co], dilation = s), which XNNPACK runs fast.
 */
import * as tf from '@tensorflow/tfjs';
import { weightGradientsWanted } from './gradientMode';
import { dispose, kernel, type ConvAttrs, type Info, type KernelFn, type KernelPatch } from './util';

const conv2dBackpropFilter: KernelFn = ({ inputs, backend, attrs }) => {
  const { x, dy } = inputs as { x: Info; dy: Info };
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
  if (dataFormat === 'NCHW') throw new Error('Conv2DBackpropFilter (WASM): NCHW is not supported');
  if (!weightGradientsWanted()) return kernel('Fill')({ inputs: {}, backend, attrs: { shape: filterShape, value: 0, dtype: 'float32' } });
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, strides, 1, pad, dimRoundingMode, false, 'channelsLast');
  const [kh, kw, ci, co] = filterShape;
  const { top, bottom, left, right } = info.padInfo;
  const xt = kernel('Transpose')({ inputs: { x }, backend, attrs: { perm: [3, 1, 2, 0] } }); // [Ci, H, W, N]
  const dyt = kernel('Transpose')({ inputs: { x: dy }, backend, attrs: { perm: [1, 2, 0, 3] } }); // [OH, OW, N, Co]
  const conv = kernel('Conv2D')({
    inputs: { x: xt, filter: dyt },
    backend,
    attrs: {
      strides: [1, 1],
      pad: [
        [0, 0],
        [top, bottom],
        [left, right],
        [0, 0],
      ],
      dataFormat: 'NHWC',
      dilations: [info.strideHeight, info.strideWidth],
    },
  }); // [Ci, ≥KH, ≥KW, Co]: flooring in the forward pass can leave one extra row/column
  dispose(backend, xt, dyt);
  let cropped = conv;
  if (conv.shape[1] !== kh || conv.shape[2] !== kw) {
    cropped = kernel('Slice')({ inputs: { x: conv }, backend, attrs: { begin: [0, 0, 0, 0], size: [ci, kh, kw, co] } });
    dispose(backend, conv);
  }
  const out = kernel('Transpose')({ inputs: { x: cropped }, backend, attrs: { perm: [1, 2, 0, 3] } });
  dispose(backend, cropped);
  return out;
};

export const conv2dBackpropFilterPatch: KernelPatch = { kernelName: 'Conv2DBackpropFilter', make: () => conv2dBackpropFilter };
