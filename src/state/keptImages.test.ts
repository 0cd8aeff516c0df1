import { describe, expect, it } from 'vitest';
import { toKeep } from './keptImages';

const blob = (bytes: number) => new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' });

describe('images kept for a reload', () => {
  it("keeps the user's own files, not the samples (a link brings those back)", () => {
    const own = blob(10);
    expect(toKeep([{ name: 'cat.jpg', file: own }, { name: 'owl.jpg', sample: 'owl.jpg' }])).toEqual({ keep: [{ name: 'cat.jpg', file: own }], over: 0 });
    expect(toKeep([{ name: 'owl.jpg', sample: 'owl.jpg' }])).toEqual({ keep: [], over: 0 });
    expect(toKeep([])).toEqual({ keep: [], over: 0 });
  });

  it('keeps none past the size limit, and says how much they were (all or nothing: a grid half given back would be a surprise)', () => {
    const images = [{ name: 'a.jpg', file: blob(60) }, { name: 'b.jpg', file: blob(50) }];
    expect(toKeep(images, 110).keep).toHaveLength(2);
    expect(toKeep(images, 100)).toEqual({ keep: [], over: 110 });
  });
});
