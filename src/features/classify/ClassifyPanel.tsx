import { useRef, useState } from 'react';
import { formatMs } from '../../lib/format';
import { classifyFile } from '../../state/actions';
import { useStore } from '../../state/store';

/** A quick check that the loaded model works: top-5 classes for an image. */
export function ClassifyPanel() {
  const current = useStore((s) => s.current);
  const predictions = useStore((s) => s.predictions);
  const ms = useStore((s) => s.classifyMs);
  const error = useStore((s) => s.classifyError);
  const busy = useStore((s) => s.busy);
  const name = useStore((s) => s.imageName);
  const backend = useStore((s) => s.backend);
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const disabled = !current || busy;

  return (
    <section className="panel" aria-labelledby="classify-h">
      <h2 id="classify-h">Try the model</h2>
      <div
        className={`dropzone ${over ? 'over' : ''}`}
        data-testid="classify-drop"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          const f = e.dataTransfer.files[0];
          if (f && !disabled) void classifyFile(f);
        }}
      >
        <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
          Choose an image…
        </button>{' '}
        <span className="small">{current ? 'or drop a photo here' : 'load a model first'}</span>
        <input
          ref={input}
          type="file"
          accept="image/*"
          hidden
          data-testid="classify-input"
          aria-label="Image to classify"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void classifyFile(f);
            e.target.value = '';
          }}
        />
      </div>
      {busy && <p aria-live="polite">Classifying {name}…</p>}
      {error && (
        <p className="error" role="alert" data-testid="classify-error">
          {error}
        </p>
      )}
      {predictions && (
        <figure>
          <figcaption>
            Top {predictions.length} for {name} ({ms !== null ? formatMs(ms) : ''} on {backend?.name})
          </figcaption>
          <ol className="predictions" data-testid="predictions">
            {predictions.map((p) => (
              <li key={p.index}>
                <span className="pred-label">{p.label}</span>
                <span className="bar" aria-hidden="true">
                  <span style={{ width: `${(p.prob * 100).toFixed(1)}%` }} />
                </span>
                <span className="pred-prob">{(p.prob * 100).toFixed(1)}%</span>
              </li>
            ))}
          </ol>
        </figure>
      )}
    </section>
  );
}
