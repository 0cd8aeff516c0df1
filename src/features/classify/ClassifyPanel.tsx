/** A quick check that the loaded model works: top-5 classes for an image. */
import { useRef } from 'react';
import { Predictions } from '../shared/Predictions';
import { useDropzone } from '../shared/useDropzone';
import { formatMs } from '../../lib/format';
import { errorText } from '../../lib/errorText';
import { fetchImageFile, textNotImage, type Dropped } from '../../lib/imageLink';
import { classifyFile } from '../../state/actions';
import { lessonModel } from '../../state/lessonModels';
import { ensureSaliencyModel } from '../../state/saliencyActions';
import { useStore } from '../../state/store';

/** Resolves when the store satisfies `ok`, or after `ms`. */
function until(ok: (s: ReturnType<typeof useStore.getState>) => boolean, ms = 60_000): Promise<void> {
  if (ok(useStore.getState())) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      off();
      clearTimeout(t);
      resolve();
    };
    const off = useStore.subscribe((s) => ok(s) && done());
    const t = setTimeout(done, ms);
  });
}

export function ClassifyPanel() {
  const current = useStore((s) => s.current);
  const predictions = useStore((s) => s.predictions);
  const ms = useStore((s) => s.classifyMs);
  const error = useStore((s) => s.classifyError);
  const busy = useStore((s) => s.busy);
  const name = useStore((s) => s.imageName);
  const url = useStore((s) => s.imageUrl);
  const backend = useStore((s) => s.backend);
  const input = useRef<HTMLInputElement>(null);
  // With no model loaded yet, an image loads the lessons' smallest installed model first (built
  // in: no download), instead of a greyed button and a "load a model first".
  const fallback = useStore((s) => (s.current ? null : lessonModel(s.index, 'saliency').start));
  const loading = useStore((s) => !!s.loading);
  const disabled = busy || loading || (!current && (!fallback || !backend));
  const classify = async (f: File) => {
    if (!useStore.getState().current) {
      // A file can come before the backend is up (a drop, a test): wait for it, then load.
      await until((st) => (!!st.backend && st.index.length > 0) || !!st.backendError || st.indexState === 'error');
      await ensureSaliencyModel();
    }
    if (useStore.getState().current) await classifyFile(f);
    else useStore.setState({ classifyError: 'no model could be loaded for it: open one on the left' });
  };
  // A picture dragged from another page brings its link: fetched, then classified like a file.
  const classifyLink = async (d: Dropped) => {
    if (d.kind === 'text') return void useStore.setState({ classifyError: textNotImage(d.text) });
    try {
      await classify(await fetchImageFile(d.url));
    } catch (e) {
      useStore.setState({ classifyError: errorText(e), predictions: null });
    }
  };
  const drop = useDropzone((files) => void classify(files[0]!), disabled, (d) => void classifyLink(d));

  return (
    <section className="panel" aria-labelledby="classify-h">
      <h2 id="classify-h">Try the model</h2>
      <div data-testid="classify-drop" {...drop}>
        <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
          Choose an image…
        </button>{' '}
        <span className="small">
          {current ? 'or drop a photo here' : fallback ? `or drop a photo here: ${fallback.name} loads first` : 'open a model first (left)'}
        </span>
        <input
          ref={input}
          type="file"
          accept="image/*"
          hidden
          data-testid="classify-input"
          aria-label="Image to classify"
          onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void classify(f);
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
        <figure className="classified">
          {url && <img src={url} alt={`The image classified: ${name ?? ''}`} data-testid="classified-image" />}
          <div>
            <figcaption>
              Top {predictions.length} for {name} ({ms !== null ? formatMs(ms) : ''} on {backend?.name})
            </figcaption>
            <Predictions items={predictions} testId="predictions" />
          </div>
        </figure>
      )}
    </section>
  );
}
