/** A stable empty list: a selector must not return a new array each render. */
import { memo, useMemo, useState } from 'react';
import { Predictions } from '../shared/Predictions';
import { pickClass } from '../../state/saliencyActions';
import { useStore } from '../../state/store';
import type { SaliencyResult } from '../../worker/model/protocol';

const EMPTY: string[] = [];

/** Top-5 with softmax probabilities, and a searchable picker over every class (memoised, as MapPanels). */
export const ClassPanel = memo(ClassPanelView);

function ClassPanelView({ result }: { result: SaliencyResult | undefined }) {
  const labels = useStore((s) => s.current?.info.meta.labels ?? EMPTY);
  const chosen = useStore((s) => s.salClass);
  const [text, setText] = useState('');
  // A thousand options: made when the picker is first used (not in the render that shows a newly
  // loaded model, where they cost the page 20–30 ms), then once per model.
  const [picking, setPicking] = useState(false);
  const options = useMemo(() => (picking ? labels.map((l, i) => <option key={i} value={`${i}: ${l}`} />) : null), [labels, picking]);
  const choose = (value: string) => {
    const m = /^(\d+)/.exec(value.trim());
    const idx = m ? Number(m[1]) : labels.findIndex((l) => l.toLowerCase() === value.trim().toLowerCase());
    if (idx >= 0 && idx < labels.length) {
      pickClass(idx);
      setText('');
    }
  };
  return (
    <section className="class-panel" aria-labelledby="pred-h">
      <h3 id="pred-h">Predictions</h3>
      {result ? (
        <Predictions
          items={result.top}
          testId="saliency-predictions"
          label={(p) => (
            <button
              type="button"
              className={`pred-pick ${p.index === result.classIndex ? 'active' : ''}`}
              aria-pressed={p.index === result.classIndex}
              onClick={() => pickClass(p.index)}
              title="Explain this class"
            >
              {p.label}
            </button>
          )}
        />
      ) : (
        <p className="small">Add an image to see what the network predicts.</p>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          choose(text);
        }}
      >
        <label>
          Explain class{' '}
          <input
            data-testid="class-picker"
            list="class-options"
            onFocus={() => setPicking(true)}
            value={text}
            placeholder="type to search all classes…"
            onChange={(e) => {
              setText(e.target.value);
              // Picking from the list fills the whole "index: label" value.
              if (/^\d+: /.test(e.target.value) && labels[Number(e.target.value.split(':')[0])] === e.target.value.replace(/^\d+: /, '')) choose(e.target.value);
            }}
            size={32}
          />
        </label>
        <datalist id="class-options">{options}</datalist>
        <button type="submit" disabled={!text.trim()}>
          Explain
        </button>
        {chosen !== null && (
          <button type="button" className="link" onClick={() => pickClass(null)}>
            back to top-1
          </button>
        )}
      </form>
    </section>
  );
}
