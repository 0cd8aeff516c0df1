/**
 * "Which layer to cut?": validation accuracy of the same linear classifier on features from
 * several depths of the backbone (one forward pass over the dataset on screen), with chance.
 */
import { CartesianGrid, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { PROBE_LAYERS } from '../../ml/core/vocab';
import { runProbe } from '../../state/transferActions';
import { useStore } from '../../state/store';

export function LayerProbe() {
  const model = useStore((s) => s.tlModel);
  const ready = useStore((s) => !!s.tlDataset && s.tlStatus === 'idle');
  const probe = useStore((s) => s.tlProbe);
  const layers = model ? (PROBE_LAYERS[model.arch] ?? []) : [];
  if (!model || layers.length === 0) return null;
  const rows = probe.result?.layers.map((l) => ({ layer: l.layer, acc: Number(l.valAcc.toFixed(3)), dim: l.dim })) ?? [];
  const best = rows.reduce<(typeof rows)[number] | null>((b, r) => (!b || r.acc > b.acc ? r : b), null);
  return (
    <section className="panel" aria-labelledby="probe-h">
      <h2 id="probe-h">Which layer to cut?</h2>
      <p className="small">
        The same linear classifier, the same split and seed, on features taken at {layers.join(', ')} (averaged over space where the layer is a feature map). Early
        layers are generic, late ones specific to ImageNet: which depth serves your paintings best?
      </p>
      <button type="button" data-testid="probe-start" disabled={!ready || probe.running} onClick={() => void runProbe()}>
        {probe.running ? 'Probing…' : 'Compare the depths'}
      </button>
      {probe.progress && (
        <span className="small" aria-live="polite">
          {' '}
          {probe.progress.phase === 'features' ? 'features' : 'classifiers'} {probe.progress.done}/{probe.progress.total}
        </span>
      )}
      {probe.error && (
        <p className="error" role="alert">
          {probe.error}
        </p>
      )}
      {probe.result && (
        <figure data-testid="layer-probe" data-points={rows.length}>
          <figcaption>
            Validation accuracy by depth · dotted: chance ({probe.result.chance.toFixed(2)}){best ? ` · best: ${best.layer} (${best.acc.toFixed(3)})` : ''}
          </figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={rows} margin={{ bottom: 16, left: 20, right: 16 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="layer" label={{ value: 'depth (layer)', position: 'insideBottom', offset: -8 }} />
              <YAxis width={56} domain={[0, 1]} label={{ value: 'accuracy', angle: -90, position: 'left' }} />
              <Tooltip />
              <ReferenceLine y={probe.result.chance} stroke="#6b7280" strokeDasharray="2 4" />
              <Line type="monotone" dataKey="acc" name="validation accuracy" stroke="#1f5fbf" strokeWidth={2} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
          <p className="small" data-testid="probe-cache">
            {probe.result.fromCache.length === rows.length
              ? `All ${rows.length} depths' features came from the feature cache: ${(probe.result.ms / 1000).toFixed(1)} s.`
              : `${(probe.result.ms / 1000).toFixed(1)} s; ${probe.result.fromCache.length ? `${probe.result.fromCache.join(', ')} from the feature cache, the others` : 'the features'} computed now and cached for next time.`}
          </p>
        </figure>
      )}
    </section>
  );
}
