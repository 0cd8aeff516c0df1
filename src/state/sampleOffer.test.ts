import { describe, expect, it } from 'vitest';
import { samplesOnOffer } from './sampleOffer';

const photos = [
  { file: 'owl.jpg', url: '/e/owl.jpg', subject: 'an owl', expect: [24] },
  { file: 'cat.jpg', url: '/e/cat.jpg', subject: 'a cat', expect: [281] },
];

describe('samplesOnOffer', () => {
  it('offers the sample photos when no held-back paintings are loaded, each with its test id', () => {
    const list = samplesOnOffer(null, photos);
    expect(list.map((s) => [s.name, s.url, s.title, s.testId])).toEqual([
      ['owl.jpg', '/e/owl.jpg', 'an owl', 'sample-owl.jpg'],
      ['cat.jpg', '/e/cat.jpg', 'a cat', 'sample-cat.jpg'],
    ]);
  });

  it("offers Try it's held-back paintings instead of the photos when they are loaded", () => {
    const set = { label: 'Held-back paintings', items: [{ name: 'Baroque/1.jpg', url: 'blob:1', truth: 'Baroque' }] };
    const list = samplesOnOffer(set, photos);
    expect(list.map((s) => [s.name, s.url, s.title, s.testId])).toEqual([['Baroque/1.jpg', 'blob:1', 'Baroque/1.jpg', undefined]]);
  });
});
