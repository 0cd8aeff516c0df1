/** Numbers for people: bytes, durations, counts. */
/** Decimal units (1 MB = 10⁶ bytes), as the README, the GPU's limits and download sizes state them. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return '—';
  if (n < 1e3) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (n < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)} k`;
  return String(n);
}

/** "SqueezeNet 1.1 (ImageNet, original Caffe weights; 2.5 MB, built in)": a note joins a name's own parentheses instead of adding a second pair. */
export function withNote(name: string, note: string): string {
  return name.endsWith(')') ? `${name.slice(0, -1)}; ${note})` : `${name} (${note})`;
}
