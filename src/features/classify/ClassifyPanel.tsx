/** A quick check that the loaded model works: top-5 classes for an image. */
import { useRef } from 'react';
import { Predictions } from '../shared/Predictions';
import { useDropzone } from '../shared/useDropzone';
import { formatMs } from '../../lib/format';
import { classifyFile } from '../../state/actions';
import { useStore } from '../../state/store';

export function ClassifyPanel() {
  const current = useStore((s) => s.current);
  const predictions = useStore((s) => s.predictions);
  const ms = useStore((s) => s.classifyMs);
  const error = useStore((s) => s.classifyError);
  const busy = useStore((s) => s.busy);
  const name = useStore((s) => s.imageName);
  const backend = useStore((s) => s.backend);
  const input = useRef<HTMLInputElement>(null);
  const disabled = !current || busy;
  const drop = useDropzone((files) => void classifyFile(files[0]!), disabled);

  return (
    <section className="panel" aria-labelledby="classify-h">
      <h2 id="classify-h">Try the model</h2>
      <div data-testid="classify-drop" {...drop}>
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
          <Predictions items={predictions} testId="predictions" />
        </figure>
      )}
    </section>
  );
}
