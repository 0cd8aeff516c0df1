import { describe, expect, it } from 'vitest';
import { errorText, filesLeftOut } from './errorText';

describe('errorText', () => {
  it('is an error\'s message, or the thrown value as text', () => {
    expect(errorText(new Error('boom'))).toBe('boom');
    expect(errorText('plain')).toBe('plain');
  });
});

describe('filesLeftOut', () => {
  it('says nothing of no problem, one problem as it is, and several one per line under a count', () => {
    expect(filesLeftOut([])).toBeNull();
    expect(filesLeftOut(['a.jpg is empty'])).toBe('a.jpg is empty');
    expect(filesLeftOut(['a.jpg is empty', 'b.pdf is not an image'])).toBe('2 files were left out:\n• a.jpg is empty\n• b.pdf is not an image');
  });
});
