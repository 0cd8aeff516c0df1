/**
 * The feature space: every painting of the last run as a point, coloured by style, hovering shows
 * the painting — side by side, the trunk's features (what the head had to work with) and what the
 * fine-tuned head computes from them (its last hidden layer, or its class scores). PCA first (fast),
 * UMAP on request (neighbourhoods kept: clusters a linear projection hides).
 */
import { useState } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { imageUrl } from '../../state/transferActions';
import { need } from '../../state/trainWorker';
import { useStore } from '../../state/store';
import type { EmbeddingMethod, EmbeddingSpace, TrainResultMap } from '../../worker/train/protocol';
import { errorText } from '../../lib/errorText';

const COLORS = ['#1f5fbf', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#334155'];
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

function caption(v: View): string {
  const how = v.method === 'umap' ? 'UMAP' : 'first two principal components (PCA)';
  if (v.kind === 'trunk') return `Before training: the frozen trunk's features (${v.layer}), ${how}`;
  if (v.kind === 'hidden') return `After training: what the head's last hidden layer (${v.layer}) makes of them, ${how}`;
  return `After training: the new classifier's class scores (${v.layer}; this head is one layer on the trunk), ${how}`;
}

function Plot({ view, testId }: { view: View; testId: string }) {
  const classes = useStore((s) => s.tlRuns.at(-1)?.classes ?? EMPTY);
  const axis = view.method === 'umap' ? ['UMAP 1', 'UMAP 2'] : ['PC 1', 'PC 2'];
  return (
    <figure data-testid={testId} data-points={view.points.length} data-method={view.method} data-kind={view.kind}>
      <figcaption>{caption(view)}</figcaption>
      <ResponsiveContainer width="100%" height={300}>
        <ScatterChart margin={{ bottom: 16, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" dataKey="x" name={axis[0]} tick={false} domain={['auto', 'auto']} label={{ value: axis[0], position: 'insideBottom', offset: -4 }} />
          <YAxis type="number" dataKey="y" name={axis[1]} tick={false} width={24} domain={['auto', 'auto']} label={{ value: axis[1], angle: -90, position: 'insideLeft' }} />
          <Tooltip content={<Hover />} />
          {classes.map((c, i) => (
            <Scatter key={c} name={c} data={view.points.filter((p) => p.label === i)} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
          ))}
        </ScatterChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function EmbeddingPlot() {
  const classes = useStore((s) => s.tlRuns.at(-1)?.classes ?? EMPTY);
  const idle = useStore((s) => s.tlStatus === 'idle');
  const [views, setViews] = useState<Partial<Record<EmbeddingSpace, View>>>({});
  const [method, setMethod] = useState<EmbeddingMethod>('pca');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
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
            {views.trunk && <Plot view={views.trunk} testId="embedding-plot" />}
            {views.head && <Plot view={views.head} testId="embedding-plot-head" />}
          </div>
          <ul className="run-legend" aria-label="Styles">
            {classes.map((c, i) => (
              <li key={c}>
                <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} /> {c}
              </li>
            ))}
          </ul>
          <p className="small">
            Each point is a painting; hover for it. Do the styles separate before training (left)? The head can only draw straight boundaries through what the trunk
            gives it; after training (right) the same paintings are placed by what the new layers learned.
          </p>
        </>
      )}
    </div>
  );
}
