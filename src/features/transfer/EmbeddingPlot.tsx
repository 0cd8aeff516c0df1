/**
 * The feature space: every painting of the last run as a point (its trunk features, first two
 * principal components), coloured by style; hovering shows the painting. Do the styles separate
 * before any training? That is what the head has to work with.
 */
import { useState } from 'react';
import { CartesianGrid, ResponsiveContainer, Scatter, ScatterChart, Tooltip, XAxis, YAxis } from 'recharts';
import { imageUrl } from '../../state/transferActions';
import { need } from '../../state/trainWorker';
import { useStore } from '../../state/store';
import type { TrainResultMap } from '../../worker/train/protocol';

const COLORS = ['#1f5fbf', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#334155'];
type Point = TrainResultMap['embedding']['points'][number];

function Hover({ active, payload }: { active?: boolean; payload?: { payload: Point }[] }) {
  const classes = useStore((s) => s.tlRuns.at(-1)?.classes ?? []);
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

export function EmbeddingPlot() {
  const classes = useStore((s) => s.tlRuns.at(-1)?.classes ?? []);
  const idle = useStore((s) => s.tlStatus === 'idle');
  const [points, setPoints] = useState<Point[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const show = async () => {
    setBusy(true);
    setError(null);
    try {
      setPoints((await need().request<'embedding'>({ type: 'embedding' })).points);
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="embedding">
      <button type="button" data-testid="embedding-start" disabled={!idle || busy} onClick={() => void show()}>
        {busy ? 'Computing…' : points ? 'Recompute the feature space' : 'Show the feature space'}
      </button>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {points && (
        <figure data-testid="embedding-plot" data-points={points.length}>
          <figcaption>The trunk's features of every painting, first two principal components (PCA), coloured by style; hover for the painting</figcaption>
          <ResponsiveContainer width="100%" height={320}>
            <ScatterChart margin={{ bottom: 16, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis type="number" dataKey="x" name="PC 1" tick={false} label={{ value: 'principal component 1', position: 'insideBottom', offset: -4 }} />
              <YAxis type="number" dataKey="y" name="PC 2" tick={false} width={24} label={{ value: 'component 2', angle: -90, position: 'insideLeft' }} />
              <Tooltip content={<Hover />} />
              {classes.map((c, i) => (
                <Scatter key={c} name={c} data={points.filter((p) => p.label === i)} fill={COLORS[i % COLORS.length]} isAnimationActive={false} />
              ))}
            </ScatterChart>
          </ResponsiveContainer>
          <ul className="run-legend" aria-label="Styles">
            {classes.map((c, i) => (
              <li key={c}>
                <span className="swatch" style={{ background: COLORS[i % COLORS.length] }} /> {c}
              </li>
            ))}
          </ul>
        </figure>
      )}
    </div>
  );
}
