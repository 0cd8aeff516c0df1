import { describe, expect, it } from 'vitest';
import { uniqueTargets } from './wikiartNames';

describe('uniqueTargets', () => {
  it('keeps unique names, and gives two artists\u2019 "self-portrait" in one style two files (they were one, listed twice)', () => {
    const t = uniqueTargets([
      { dir: '/o/baroque', path: '/images/rembrandt/self-portrait.jpg' },
      { dir: '/o/baroque', path: '/images/rubens/self-portrait.jpg' },
      { dir: '/o/cubism', path: '/images/picasso/self-portrait.jpg' },
      { dir: '/o/baroque', path: '/images/rembrandt/the-night-watch.png' },
    ]);
    expect(t).toEqual(['/o/baroque/rembrandt_self-portrait.jpg', '/o/baroque/rubens_self-portrait.jpg', '/o/cubism/self-portrait.jpg', '/o/baroque/the-night-watch.jpg']);
  });

  it('the same artist and title twice: numbered', () => {
    const t = uniqueTargets([
      { dir: '/o/a', path: '/x/y.jpg' },
      { dir: '/o/a', path: '/x/y.jpg' },
    ]);
    expect(t).toEqual(['/o/a/x_y.jpg', '/o/a/x_y-2.jpg']);
    expect(new Set(t).size).toBe(2);
  });
});
