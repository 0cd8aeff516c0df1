import { describe, expect, it } from 'vitest';
import { formatBytes, withNote } from './format';

describe('formatBytes', () => {
  it('uses decimal units, as the README and the download sizes do', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(4_700)).toBe('4.7 kB');
    // The built-in SqueezeNet: 2,521,341 bytes is 2.5 MB (it read "2.4 MB", in MiB, beside the README's 2.5 MB).
    expect(formatBytes(2_521_341)).toBe('2.5 MB');
    expect(formatBytes(1_449_000_000)).toBe('1.45 GB');
    expect(formatBytes(Number.NaN)).toBe('—');
  });
});

describe('withNote', () => {
  it("joins a name's own parentheses instead of adding a second pair", () => {
    expect(withNote('SqueezeNet 1.1 (ImageNet, original Caffe weights)', '2.5 MB, built in')).toBe('SqueezeNet 1.1 (ImageNet, original Caffe weights; 2.5 MB, built in)');
    expect(withNote('AlexNet', '122 MB')).toBe('AlexNet (122 MB)');
  });
});
