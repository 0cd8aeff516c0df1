/** The classes a map can explain: the network's top-5 (shown beside the map) and a picker over every class. */
import { memo, useMemo, useState } from 'react';
import { Predictions } from '../shared/Predictions';
import { pickClass } from '../../state/saliencyActions';
import { useStore } from '../../state/store';
import type { SaliencyResult } from '../../worker/model/protocol';

/** A stable empty list: a selector must not return a new array each render. */
const EMPTY: string[] = [];

/** An ImageNet label's first name ("tabby" of "tabby, tabby cat"): the full one is in the heading and the tooltip. */
function shortLabel(label: string): string {
  return label.split(',')[0]!.trim() || label;
}

/**
 * The network's top-5 as buttons that explain a class; shown beside the map's heading (MapPanels),
 * so one projected screen holds the photo, the map and what the network thinks.
 */
export function TopPredictions({ result }: { result: SaliencyResult }) {
  return (
    <Predictions
      items={result.top}
      testId="saliency-predictions"
      label={(p) => (
        <button
          type="button"
          className={`pred-pick ${p.index === result.classIndex ? 'active' : ''}`}
          aria-pressed={p.index === result.classIndex}
          onClick={() => pickClass(p.index)}
          title={`Explain “${p.label}”`}
        >
          {shortLabel(p.label)}
        </button>
      )}
    />
  );
}

/** A searchable picker over every class (memoised, as MapPanels). */
export const ClassPanel = memo(ClassPanelView);

function ClassPanelView() {
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
      <h3 id="pred-h">Explain another class</h3>
      <p className="small secondary">Click one of the predictions by the map, or search all {labels.length} classes.</p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          choose(text);
        }}
      >
        <label>
          Class{' '}
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
