/** Which TF.js backend runs the models, what it is, and how much memory it holds. */
import { useEffect, useRef } from 'react';
import { MEMORY_POLL_MS } from '../../config';
import { formatBytes } from '../../lib/format';
import { BACKEND_INFO, BACKEND_ORDER } from '../../ml/core/vocab';
import { chooseBackend, refreshMemory } from '../../state/actions';
import { useStore } from '../../state/store';
import type { BackendChoice } from '../../worker/model/protocol';

const CHOICES: { value: BackendChoice; label: string }[] = [{ value: 'auto', label: 'Automatic (best available)' }, ...BACKEND_ORDER.map((b) => ({ value: b, label: BACKEND_INFO[b].label }))];

export function BackendChip() {
  const backend = useStore((s) => s.backend);
  const error = useStore((s) => s.backendError);
  const choice = useStore((s) => s.backendChoice);
  const memory = useStore((s) => s.memory);

  useEffect(() => {
    const t = setInterval(() => void refreshMemory(), MEMORY_POLL_MS);
    return () => clearInterval(t);
  }, []);

  // A popover closes as popovers do: on Escape (focus back on the chip) and on a click outside it.
  const ref = useRef<HTMLDetailsElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const d = ref.current;
      if (e.key !== 'Escape' || !d?.open) return;
      d.open = false;
      d.querySelector('summary')?.focus();
    };
    const onDown = (e: PointerEvent) => {
      const d = ref.current;
      if (d?.open && !d.contains(e.target as Node)) d.open = false;
    };
    document.addEventListener('keydown', onKey);
    document.addEventListener('pointerdown', onDown);
    return () => {
      document.removeEventListener('keydown', onKey);
      document.removeEventListener('pointerdown', onDown);
    };
  }, []);

  const threads = backend?.name === 'wasm' && backend.threads && backend.threads > 1 ? ` × ${backend.threads}` : '';
  const label = error ? 'no backend' : backend ? `${BACKEND_INFO[backend.name].chip}${threads}` : 'starting…';
  return (
    <details ref={ref} className={`chip ${error ? 'chip-error' : ''}`}>
      <summary
        data-testid="backend-chip"
        data-threads={backend?.threads}
        data-backend={backend?.name}
        aria-label={`The models run on the ${label}${threads ? ' threads' : ''}${backend ? ` (${BACKEND_INFO[backend.name].label})` : ''}. Open for details and to change it.`}
        title={backend ? `Runs on the ${label} with ${BACKEND_INFO[backend.name].label}${memory ? `; the model and its working data take ${formatBytes(memory.numBytes)}` : ''}` : undefined}
      >
        <span className="chip-dot" aria-hidden="true" data-state={error ? 'error' : backend ? 'ok' : 'busy'} />
        {label}
        {memory && memory.numBytes > 0 && <span className="chip-mem"> · {formatBytes(memory.numBytes)}</span>}
      </summary>
      <div className="chip-panel">
        {error && <p role="alert">{error}</p>}
        {backend && (
          <p>
            <strong>{backend.name}</strong>
            {backend.detail && <> — {backend.detail}</>}
          </p>
        )}
        {backend?.skipped.length ? (
          <ul className="small">
            {backend.skipped.map((s) => (
              <li key={s.name}>
                {s.name} skipped: {s.reason}
              </li>
            ))}
          </ul>
        ) : null}
        {memory && (
          <p className="small">
            tf.memory(): {memory.numTensors} tensors, {formatBytes(memory.numBytes)}
            {memory.backendBytes !== undefined && <> · {backend?.name === 'wasm' ? 'WASM heap' : 'GPU memory'} {formatBytes(memory.backendBytes)}</>}
          </p>
        )}
        <label>
          Backend{' '}
          <select value={choice} onChange={(e) => void chooseBackend(e.target.value as BackendChoice)} data-testid="backend-select">
            {CHOICES.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
        <p className="small">Your choice is remembered. Switching restarts the model worker and reloads the model.</p>
      </div>
    </details>
  );
}
