/** Bringing one place of the page to the user: a heading or a control, scrolled to and focused. */

/** A panel's heading (tabIndex -1) at the top of the window, focused: "See the results ↓", "(1 · Paintings ↓)". */
export function showPanel(id: string): void {
  const h = document.getElementById(id);
  h?.scrollIntoView({ block: 'start' });
  h?.focus({ preventScroll: true });
}

/**
 * The Train button focused, its panel scrolled to the top of the window unless the button is
 * already in view (lecture mode puts it first; in light mode it sits under the paintings, about
 * 1,500 px down at 1280×720). False when there is no enabled Train button to show.
 */
export function showTrain(): boolean {
  const b = document.querySelector<HTMLButtonElement>('[data-testid="train-start"]');
  if (!b || b.disabled) return false;
  const r = b.getBoundingClientRect();
  if (r.top < 0 || r.bottom > window.innerHeight) document.getElementById('train-h')?.scrollIntoView({ block: 'start' });
  b.focus({ preventScroll: true });
  return true;
}
