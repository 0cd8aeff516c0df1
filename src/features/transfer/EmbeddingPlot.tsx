/**
 * The feature space: every painting of the last run as a point, coloured and shaped by style, hovering shows
 * the painting — side by side, the trunk's features (what the head had to work with) and what the
 * fine-tuned head computes from them (its last hidden layer, or its class scores). PCA first (fast),
 * UMAP on request (neighbourhoods kept: clusters a linear projection hides). From the keyboard, a plot
 * takes focus and the arrow keys go from painting to painting; the painting chosen is ringed in both plots.
 */
import { useState, type KeyboardEvent } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Symbols, Tooltip, XAxis, YAxis } from 'recharts';
import { imageUrl } from '../../state/transferActions';
import { need } from '../../state/trainWorker';
import { useStore } from '../../state/store';
import type { EmbeddingMethod, EmbeddingSpace, TrainResultMap } from '../../worker/train/protocol';
import { errorText } from '../../lib/errorText';
import { isStepKey, stepPoint } from '../../viz/scatterNav';

// d3's category10, darkened where it was pale on a projector: no two styles share a hue (two reds were
// hard to tell apart), and each has its own shape too, for colour-blind eyes and washed-out projectors.
const COLORS = ['#1f77b4', '#e8710a', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#d6339c', '#555555', '#9a9b14', '#0f9fb3'];
const SHAPES = ['circle', 'triangle', 'square', 'diamond', 'cross', 'star', 'wye'] as const;
const styleOf = (i: number) => ({ fill: COLORS[i % COLORS.length]!, shape: SHAPES[i % SHAPES.length]! });
type View = TrainResultMap['embedding'];
type Point = View['points'][number];
const EMPTY: string[] = [];

function Hover({ active, payload }: { active?: boolean; payload?: { payload: Point }[] }) {
  const classes = useStore((s) => s.tlRuns.at(-1)?.classes ?? EMPTY);
  const p = active ? payload?.[0]?.payload : undefined;
  if (!p) return null;
  const url = imageUrl(p.source);
  return (
    <div className="embedding-hover">
      {url && <img src={url} alt={classes[p.label] ?? ''} />}
      <span>{classes[p.label]}</span>
    </div>
  );
}

/** The chosen painting's ring: drawn over the points, the same in both plots. */
function Ring({ cx, cy }: { cx?: number; cy?: number }) {
  if (cx === undefined || cy === undefined) return null;
  return (
    <g className="embedding-ring">
      <circle cx={cx} cy={cy} r={11} fill="none" stroke="#ffffff" strokeWidth={5} />
      <circle cx={cx} cy={cy} r={11} fill="none" stroke="#000000" strokeWidth={2.5} />
    </g>
  );
}

function caption(v: View): string {
  const how = v.method === 'umap' ? 'UMAP' : 'first two principal components (PCA)';
  if (v.kind === 'trunk') return `Before training: the frozen trunk's features (${v.layer}), ${how}`;
  if (v.kind === 'hidden') return `After training: what the head's last hidden layer (${v.layer}) makes of them, ${how}`;
  return `After training: the new classifier's class scores (${v.layer}; this head is one layer on the trunk), ${how}`;
}

function Plot({ view, testId, chosen, onChoose }: { view: View; testId: string; chosen: string | null; onChoose: (source: string | null) => void }) {
  const classes = useStore((s) => s.tlRuns.at(-1)?.classes ?? EMPTY);
  const axis = view.method === 'umap' ? ['UMAP 1', 'UMAP 2'] : ['PC 1', 'PC 2'];
  const at = chosen === null ? -1 : view.points.findIndex((p) => p.source === chosen);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape' && chosen !== null) {
      e.stopPropagation(); // a chosen painting is let go first; the next Escape is the page's
      onChoose(null);
    } else if (isStepKey(e.key)) {
      e.preventDefault(); // the page does not scroll
      const next = stepPoint(view.points, at < 0 ? null : at, e.key);
      if (next !== null) onChoose(view.points[next]!.source);
    }
  };
  return (
    <figure data-testid={testId} data-points={view.points.length} data-method={view.method} data-kind={view.kind}>
      <figcaption>{caption(view)}</figcaption>
      <div
        className="embedding-keys"
        tabIndex={0}
        role="group"
        aria-label={`${caption(view)}. Arrow keys: go to the nearest painting in that direction; Escape: let it go.`}
        onKeyDown={onKeyDown}
      >
        <ResponsiveContainer width="100%" height={300}>
          <ScatterChart margin={{ bottom: 16, left: 8 }} accessibilityLayer={false}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis type="number" dataKey="x" name={axis[0]} tick={false} domain={['auto', 'auto']} label={{ value: axis[0], position: 'insideBottom', offset: -4 }} />
            <YAxis type="number" dataKey="y" name={axis[1]} tick={false} width={24} domain={['auto', 'auto']} label={{ value: axis[1], angle: -90, position: 'insideLeft' }} />
            <Tooltip content={<Hover />} />
            {classes.map((c, i) => (
              <Scatter key={c} name={c} data={view.points.filter((p) => p.label === i)} {...styleOf(i)} isAnimationActive={false} />
            ))}
            {at >= 0 && <Scatter name="chosen" data={[view.points[at]!]} shape={<Ring />} isAnimationActive={false} legendType="none" tooltipType="none" />}
          </ScatterChart>
        </ResponsiveContainer>
      </div>
    </figure>
  );
}

/** The painting chosen from the keyboard, said in words (and aloud to a screen reader). */
function Chosen({ source, views }: { source: string | null; views: Partial<Record<EmbeddingSpace, View>> }) {
  const classes = useStore((s) => s.tlRuns.at(-1)?.classes ?? EMPTY);
  const p = source === null ? undefined : (views.trunk ?? views.head)?.points.find((q) => q.source === source);
  const url = p ? imageUrl(p.source) : undefined;
  return (
    <div className="embedding-chosen" aria-live="polite" data-testid="embedding-chosen" data-source={p?.source}>
      {p ? (
        <>
          {url && <img src={url} alt="" />}
          <span>
            <strong>{classes[p.label]}</strong> · {p.split === 'val' ? 'validation' : 'training'} painting · ringed in both plots
          </span>
        </>
      ) : (
        <span className="small">Tab into a plot and use the arrow keys to go from painting to painting; the one you reach is ringed in both plots.</span>
      )}
    </div>
  );
}

export function EmbeddingPlot() {
  const classes = useStore((s) => s.tlRuns.at(-1)?.classes ?? EMPTY);
  const idle = useStore((s) => s.tlStatus === 'idle');
  const [views, setViews] = useState<Partial<Record<EmbeddingSpace, View>>>({});
  const [method, setMethod] = useState<EmbeddingMethod>('pca');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [chosen, setChosen] = useState<string | null>(null);
  const show = async (m: EmbeddingMethod) => {
    setMethod(m);
    setError(null);
    try {
      const next: Partial<Record<EmbeddingSpace, View>> = {};
      for (const space of ['trunk', 'head'] as const) {
        setBusy(`${m === 'umap' ? 'UMAP' : 'PCA'} of the ${space === 'trunk' ? 'trunk' : 'head'} features…`);
        next[space] = await need().request<'embedding'>({ type: 'embedding', method: m, space }, (p) => {
          if (p.type === 'phase' && p.total > 1) setBusy(`UMAP of the ${space === 'trunk' ? 'trunk' : 'head'} features: ${Math.round((100 * p.done) / p.total)} %`);
        });
        setViews({ ...next });
      }
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  };
  const shown = views.trunk ?? views.head;
  return (
    <div className="embedding">
      <div className="row">
        <button type="button" data-testid="embedding-start" disabled={!idle || !!busy} onClick={() => void show('pca')}>
          {shown ? 'Recompute the feature space (PCA)' : 'Show the feature space'}
        </button>
        {shown && (
          <button type="button" data-testid="embedding-umap" disabled={!idle || !!busy} onClick={() => void show(method === 'umap' ? 'pca' : 'umap')}>
            {method === 'umap' ? 'Back to PCA' : 'UMAP (keeps neighbourhoods; a few seconds)'}
          </button>
        )}
        {busy && (
          <span className="small" aria-live="polite" data-testid="embedding-busy">
            {busy}
          </span>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {shown && (
        <>
          <div className="embedding-pair">
            {views.trunk && <Plot view={views.trunk} testId="embedding-plot" chosen={chosen} onChoose={setChosen} />}
            {views.head && <Plot view={views.head} testId="embedding-plot-head" chosen={chosen} onChoose={setChosen} />}
          </div>
          <Chosen source={chosen} views={views} />
          <ul className="run-legend" aria-label="Styles">
            {classes.map((c, i) => (
              <li key={c}>
                <svg className="shape-swatch" viewBox="0 0 16 16" aria-hidden="true">
                  <Symbols cx={8} cy={8} size={70} type={styleOf(i).shape} fill={styleOf(i).fill} />
                </svg>{' '}
                {c}
              </li>
            ))}
          </ul>
          <p className="small">
            Each point is a painting; hover for it (or Tab to a plot and use the arrow keys). Do the styles separate before training (left)? The head can only draw straight boundaries through what the trunk
            gives it; after training (right) the same paintings are placed by what the new layers learned.
          </p>
        </>
      )}
    </div>
  );
}
