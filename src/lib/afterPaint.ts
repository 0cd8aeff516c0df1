/** A promise for "the page has drawn what is on screen", for work that should wait for that paint. */

/** Resolves once the page has painted (rAF, then a task); at most 250 ms later where frames are not drawn (a hidden tab). */
export function afterPaint(): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const go = () => {
      if (done) return;
      done = true;
      resolve();
    };
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(go, 0));
    setTimeout(go, 250);
  });
}
