import { describe, expect, it } from 'vitest';
import { asDeviceLoss, DeviceLostError } from './deviceLoss';

describe('asDeviceLoss', () => {
  it('a GPU read that failed as the device went becomes the loss, in words, once device.lost settles', async () => {
    let lost: string | null = null;
    setTimeout(() => (lost = 'the WebGPU device was lost (destroyed)'), 10);
    const e = await asDeviceLoss(new Error("Failed to execute 'mapAsync' on 'GPUBuffer': Buffer was unmapped before mapping was resolved."), () => lost);
    expect(e).toBeInstanceOf(DeviceLostError);
    expect((e as Error).message).toBe('the WebGPU device was lost (destroyed)');
  });

  it('other errors, and GPU errors without a loss, stay as they were', async () => {
    const plain = new Error('both the training and the validation split need images');
    expect(await asDeviceLoss(plain, () => null)).toBe(plain);
    const gpu = new Error('GPUBuffer: out of memory');
    expect(await asDeviceLoss(gpu, () => null, 5)).toBe(gpu);
    const already = new DeviceLostError('the WebGL context was lost');
    expect(await asDeviceLoss(already, () => 'something else')).toBe(already);
  });
});
