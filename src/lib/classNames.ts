/** Class names as a person types and reads them: ImageNet labels list synonyms ("tabby, tabby cat"). */

/**
 * The class a typed text names: "130", "130: flamingo", a whole label, one of a label's names
 * ("tabby" of "tabby, tabby cat"), or a part of exactly one label; else why not, in words.
 */
export function findClass(labels: readonly string[], typed: string): number | string {
  const t = typed.trim().toLowerCase();
  if (!t) return 'type a class name or number';
  const m = /^(\d+)(:|$)/.exec(t);
  if (m) return Number(m[1]) < labels.length ? Number(m[1]) : `there is no class ${m[1]} (0–${labels.length - 1})`;
  const lower = labels.map((l) => l.toLowerCase());
  const whole = lower.indexOf(t);
  if (whole >= 0) return whole;
  const named = lower.flatMap((l, i) => (l.split(',').some((n) => n.trim() === t) ? [i] : []));
  if (named.length === 1) return named[0]!;
  const parts = lower.flatMap((l, i) => (l.includes(t) ? [i] : []));
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 0) return `no class matches “${typed.trim()}”`;
  return `${parts.length} classes match “${typed.trim()}” (${parts.slice(0, 3).map((i) => shortLabel(labels[i]!)).join(', ')}${parts.length > 3 ? ', …' : ''}): pick one from the list`;
}

/** An ImageNet label's first name ("tabby" of "tabby, tabby cat"): the full one is in the heading and the tooltip. */
export function shortLabel(label: string): string {
  return label.split(',')[0]!.trim() || label;
}

