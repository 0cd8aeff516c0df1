/** A model download's progress bar (bytes and phase). */
import { formatBytes } from '../../lib/format';

export function LoadProgress({ label, loaded, total, phase }: { label: string; loaded: number; total: number; phase: string }) {
  const verb = phase === 'cache' ? 'Reading from the browser cache' : phase === 'read' ? 'Reading files' : 'Downloading';
  return (
    <div className="progress" data-testid="model-progress" aria-live="polite">
      <div>
        {verb}: {label}
      </div>
      <progress max={total || 1} value={total ? loaded : undefined} aria-label={`Loading ${label}`} />
      <span className="small">{total ? `${formatBytes(loaded)} of ${formatBytes(total)}` : 'starting…'}</span>
    </div>
  );
}
