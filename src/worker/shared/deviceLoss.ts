/** GPU device / context loss in a worker: watch for the real thing, or cause it (test hook). */
import * as tf from '@tensorflow/tfjs';

export class DeviceLostError extends Error {
  override name = 'DeviceLostError';
}

interface GpuBackend {
  device?: { lost?: Promise<{ message?: string; reason?: string }>; destroy?: () => void };
  gpgpu?: { gl?: WebGL2RenderingContext };
}

/** Real device loss: WebGPU's device.lost, WebGL's webglcontextlost. */
export function watchDeviceLoss(onLost: (why: string) => void): void {
  const b = tf.backend() as unknown as GpuBackend;
  void b.device?.lost?.then((info) => onLost(`the WebGPU device was lost (${info.message || info.reason || 'no reason given'})`));
  const canvas = b.gpgpu?.gl?.canvas as (HTMLCanvasElement | OffscreenCanvas) | undefined;
  canvas?.addEventListener?.('webglcontextlost', () => onLost('the WebGL context was lost'));
}

/** The test hook: a real loss on a GPU backend, a flagged one on WASM/CPU (nothing to lose there). */
export function loseDevice(onLost: (why: string) => void): string {
  const b = tf.backend() as unknown as GpuBackend;
  if (b.device?.destroy) {
    b.device.destroy();
    return 'WebGPU device.destroy()';
  }
  const ext = b.gpgpu?.gl?.getExtension('WEBGL_lose_context');
  if (ext) {
    ext.loseContext();
    return 'WEBGL_lose_context.loseContext()';
  }
  onLost(`the ${tf.getBackend()} backend failed (simulated device loss, test hook)`);
  return 'flag (no GPU device on this backend)';
}


/**
 * The error a run failed with, in words when the GPU went: a read that fails as the device is
 * destroyed (WebGPU's mapAsync rejected: "Buffer was unmapped before mapping was resolved") comes
 * before device.lost settles, so a GPU error waits a moment for it.
 */
export async function asDeviceLoss(e: unknown, lost: () => string | null, settleMs = 100): Promise<unknown> {
  if (e instanceof DeviceLostError) return e;
  if (!lost() && /GPUBuffer|GPUDevice|mapAsync/.test(e instanceof Error ? e.message : String(e))) await new Promise((r) => setTimeout(r, settleMs));
  const why = lost();
  return why ? new DeviceLostError(why) : e;
}
