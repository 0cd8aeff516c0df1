/** The classes a map can explain: the network's top-5 (shown beside the map) and a picker over every class. */
import { memo, useMemo, useState } from 'react';
import { findClass, shortLabel } from '../../lib/classNames';
import { Predictions } from '../shared/Predictions';
import { pickClass } from '../../state/saliencyActions';
import { revealMaps } from '../../lib/showOnPage';
import { useStore } from '../../state/store';
import type { SaliencyResult } from '../../worker/model/protocol';

/** A stable empty list: a selector must not return a new array each render. */
const EMPTY: string[] = [];

/**
 * The network's top-5 as buttons that explain a class; shown beside the map's heading (MapPanels),
 * so one projected screen holds the photo, the map and what the network thinks.
 */
export function TopPredictions({ result }: { result: SaliencyResult }) {
  const picked = useStore((s) => s.salClass);
  const inTop = picked !== null && result.top.some((p) => p.index === picked);
  return (
    <>
      {/* Hidden on the projector, where its height pushed the map 80 px down: the pressed class in the list says which one is explained,
          and the top-1 is one click in the list. A class picked outside the top-5 is pressed nowhere: that one says so. */}
      <p className={picked === null || inTop ? 'small top5-caption secondary' : 'small top5-caption'}>
        {picked === null ? (
          'Top-5 · click a class to explain it'
        ) : (
          <>
            {inTop ? 'Top-5 · explaining the one you picked' : 'Explaining a class you picked'} ·{' '}
            <button type="button" className="link" data-testid="back-to-top1" onClick={() => pickClass(null)}>
              back to the top-1
            </button>
          </>
        )}
      </p>
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
            {/* A break allowed after "_": "Post_Impressionism" wrapped as "Post_Impressioni / sm" on a projector. */}
            {shortLabel(p.label).replace(/_/g, '_\u200b')}
          </button>
        )}
      />
    </>
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
  const [miss, setMiss] = useState<string | null>(null);
  const choose = (value: string) => {
    const found = findClass(labels, value);
    if (typeof found === 'number') {
      revealMaps();
      pickClass(found);
      setText('');
      setMiss(null);
    } else setMiss(found);
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
              setMiss(null);
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
        {miss && (
          <span className="field-note" role="alert" data-testid="class-miss">
            {miss}
          </span>
        )}
        {chosen !== null && (
          <button type="button" className="link" onClick={() => pickClass(null)}>
            back to top-1
          </button>
        )}
      </form>
    </section>
  );
}
