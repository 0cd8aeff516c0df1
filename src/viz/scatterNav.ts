/**
 * Keyboard travel through a scatter plot: an arrow key moves to the nearest point in that direction
 * on the screen (not the next one in the data's order, which jumps about the plot). Distances are
 * measured on the plot's axes scaled to the same extent, as the chart draws them; a point straight
 * ahead beats a nearer one off to the side.
 */
export type Point2 = { x: number; y: number };
export type StepKey = 'ArrowLeft' | 'ArrowRight' | 'ArrowUp' | 'ArrowDown';

export function isStepKey(key: string): key is StepKey {
  return key === 'ArrowLeft' || key === 'ArrowRight' || key === 'ArrowUp' || key === 'ArrowDown';
}

/** The point to go to from `from` (an index; null: none chosen yet, so the point nearest the plot's centre), or `from` when nothing lies that way. */
export function stepPoint(points: readonly Point2[], from: number | null, key: StepKey): number | null {
  if (points.length === 0) return null;
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const p of points) {
    x0 = Math.min(x0, p.x);
    x1 = Math.max(x1, p.x);
    y0 = Math.min(y0, p.y);
    y1 = Math.max(y1, p.y);
  }
  const sx = x1 > x0 ? x1 - x0 : 1;
  const sy = y1 > y0 ? y1 - y0 : 1;
  const at = (i: number) => ({ x: (points[i]!.x - x0) / sx, y: (points[i]!.y - y0) / sy });
  if (from === null || from < 0 || from >= points.length) return nearest(points.length, at, { x: 0.5, y: 0.5 });
  const o = at(from);
  // Along: how far in the key's direction (the y axis grows upwards on the plot); across: how far off it.
  const [ax, ay] = key === 'ArrowRight' ? [1, 0] : key === 'ArrowLeft' ? [-1, 0] : key === 'ArrowUp' ? [0, 1] : [0, -1];
  let best = from;
  let bestCost = Infinity;
  for (let i = 0; i < points.length; i++) {
    if (i === from) continue;
    const p = at(i);
    const dx = p.x - o.x;
    const dy = p.y - o.y;
    const along = dx * ax + dy * ay;
    const across = Math.abs(dx * ay - dy * ax);
    if (along <= 1e-9 || across > along * 2) continue; // behind, level with it, or more sideways than ahead
    const cost = along + 2 * across;
    if (cost < bestCost) {
      bestCost = cost;
      best = i;
    }
  }
  return best;
}

function nearest(n: number, at: (i: number) => Point2, c: Point2): number {
  let best = 0;
  let bestD = Infinity;
  for (let i = 0; i < n; i++) {
    const p = at(i);
    const d = (p.x - c.x) ** 2 + (p.y - c.y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
