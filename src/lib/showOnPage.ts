/** Bringing one place of the page to the user: a heading or a control, scrolled to and focused. */

/** A panel's heading (tabIndex -1) at the top of the window, focused unless `focus` is false: "See the results ↓", "(1 · Paintings ↓)". */
export function showPanel(id: string, focus = true): void {
  const h = document.getElementById(id);
  h?.scrollIntoView({ block: 'start' });
  if (focus) h?.focus({ preventScroll: true });
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

let revealPending = false;

const mapsPanel = () => document.querySelector<HTMLElement>('.sal-maps');

/**
 * The saliency maps brought into view when the user gives a new image, another class or the next
 * image, and the maps panel starts in the window's lower 200 px, below it, or above it (scrolled past): a narrow window (under 960 px) stacks it under the
 * inputs, where a new map appeared unseen. Wide, the panel sits beside the inputs and nothing moves.
 * Scrolled at once (the progress shows there), and again by `mapShown` where the user has
 * scrolled away meanwhile.
 */
export function revealMaps(): void {
  const maps = mapsPanel();
  const top = maps?.getBoundingClientRect().top ?? 0;
  // Or scrolled past, above the window: "Explain another class" typed lower down, ←/→ pressed there.
  revealPending = !!maps && (top > window.innerHeight - 200 || top < -40);
  if (!revealPending) return;
  // Stacked under the inputs, the panel keeps a window's height from now until its images are
  // removed, so this first scroll already brings it to the top: an empty panel near the page's
  // end stopped short, and the page scrolled a second time once the map was drawn.
  const left = document.querySelector<HTMLElement>('.sal-left');
  if (left && Math.abs(left.getBoundingClientRect().left - maps!.getBoundingClientRect().left) < 1) maps!.style.minHeight = '100vh';
  maps!.scrollIntoView({ block: 'start' });
}

/** The maps panel back to its own height (its images removed): the space revealMaps kept is no longer needed. */
export function releaseMapsSpace(): void {
  mapsPanel()?.style.removeProperty('min-height');
}

/** A new map or message is on the page: a reveal the user asked for ends there. */
export function mapShown(): void {
  if (!revealPending) return;
  revealPending = false;
  mapsPanel()?.scrollIntoView({ block: 'start' });
}

/**
 * The paintings' summary, or why there is none, brought into view after a pick in its panel: it
 * sits under the manifest fields, below the window's edge at 1280×720 in lecture mode, where a
 * refused .zip looked like nothing had happened. Where it already shows, nothing moves.
 */
export function showDatasetResult(): void {
  requestAnimationFrame(() => {
    const el = document.querySelector<HTMLElement>('[data-testid="dataset-error"], [data-testid="dataset-summary"]');
    if (!el) return;
    const top = el.getBoundingClientRect().top;
    if (top < 0 || top > window.innerHeight - 160) el.scrollIntoView({ block: 'start' });
  });
}

/** The grid of every image given, a screen or more below the map ("2 of 3 ↓" beside the map's file name): its head at the top, the active card focused. */
export function showGrid(): void {
  document.getElementById('sal-grid')?.scrollIntoView({ block: 'start' });
  document.querySelector<HTMLElement>('#sal-grid .card.active .card-main')?.focus({ preventScroll: true });
}

/**
 * After a model load asked for on the Models screen: its outcome (the model's details, or why not)
 * in view and focused. The button pressed is disabled while it loads, which dropped the focus to
 * the page, and at 1280×720 in lecture mode the details began below the window's edge.
 */
export function showModelOutcome(): void {
  requestAnimationFrame(() => {
    const t = document.querySelector<HTMLElement>('[data-testid="model-error"]') ?? document.getElementById('model-info-h');
    t?.scrollIntoView({ block: 'nearest' });
    t?.focus({ preventScroll: true });
  });
}

/**
 * A control flashed (a ring that fades in a second) where it is in the window: what a shortcut
 * changed, shown where it is. False where it is not on the page or not in the window.
 */
export function flashInView(selector: string): boolean {
  const el = document.querySelector<HTMLElement>(selector);
  const r = el?.getBoundingClientRect();
  if (!el || !r || r.height === 0 || r.bottom < 0 || r.top > window.innerHeight) return false;
  el.animate?.([{ boxShadow: '0 0 0 4px var(--accent)' }, { boxShadow: '0 0 0 4px transparent' }], { duration: 1200, easing: 'ease-out' });
  return true;
}

/**
 * The training charts brought to the top of the window, unless the loss chart is in view: a
 * replay started from its panel below them played where nobody saw it.
 */
export function showCharts(): void {
  const chart = document.querySelector<HTMLElement>('[data-testid="loss-chart"]');
  const r = chart?.getBoundingClientRect();
  if (chart && r && (r.top < 0 || r.bottom > window.innerHeight)) chart.scrollIntoView({ block: 'start' });
}
