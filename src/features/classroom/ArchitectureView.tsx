/** A new dense layer: 2 × inputs × units (its parameters less the biases). */
import { useMemo, useState } from 'react';
import { analyzeTopology, asModelLike, formatShape, totals, type ArchLayer } from '../../ml/core/architecture';
import { lastConvBlock, layerTable, planFor, type LayerRow } from '../../ml/core/surgery';
import { STRATEGIES, type Strategy } from '../../ml/core/vocab';
import topologies from '../../ml/core/topologies.json';
import { formatCount } from '../../lib/format';
import { useStore } from '../../state/store';
import { errorText } from '../../lib/errorText';

interface Source {
  id: string;
  label: string;
  topology: unknown;
  arch: string;
  trunkOutput: string | null;
  classifierLayers: string[];
}

const REFERENCE: Source[] = (['alexnet', 'vgg16', 'squeezenet1_1'] as const).map((a) => ({
  id: a,
  label: `${topologies[a].displayName} (architecture)`,
  topology: topologies[a].topology,
  arch: a,
  trunkOutput: topologies[a].trunkOutput,
  classifierLayers: topologies[a].classifierLayers,
}));

const STATUS_TEXT: Record<LayerRow['status'], string> = { frozen: '❄ frozen', trainable: '✎ trained', new: '+ new', removed: '✕ removed', '—': '' };

function flopsText(f: number): string {
  return f === 0 ? '—' : f >= 1e9 ? `${(f / 1e9).toFixed(2)} G` : `${(f / 1e6).toFixed(1)} M`;
}

function newLayerFlops(r: LayerRow): number {
  const units = Number(/(\d+)\]$/.exec(r.outputShape)?.[1] ?? 0);
  return 2 * (r.params - units);
}

/** Layer table (output shape, parameters, FLOPs) and a diagram coloured by what the chosen strategy freezes and trains. */
export function ArchitectureView() {
  const tlModel = useStore((s) => s.tlModel);
  const current = useStore((s) => s.current);
  const screen = useStore((s) => s.screen);
  const studioStrategy = useStore((s) => s.tlStrategy);
  const unfreezeBlock = useStore((s) => !!s.tlConfig.unfreezeBlock);
  // The classes of the dataset on screen, else of the last run, else the course's 10 styles (said so).
  const numClasses = useStore((s) => s.tlDataset?.classes.length ?? s.tlRuns.at(-1)?.classes.length ?? 10);
  const classesKnown = useStore((s) => !!s.tlDataset || s.tlRuns.length > 0);
  const sources = useMemo(() => {
    const list: Source[] = [];
    if (tlModel) list.push({ id: 'studio', label: `${tlModel.name} (studio backbone)`, topology: tlModel.topology, arch: tlModel.arch, trunkOutput: tlModel.trunkOutput, classifierLayers: tlModel.classifierLayers });
    if (current)
      list.push({ id: 'loaded', label: `${current.info.meta.name} (loaded model)`, topology: current.info.topology, arch: current.info.meta.arch, trunkOutput: current.info.meta.trunkOutput, classifierLayers: current.info.meta.classifierLayers });
    return [...list, ...REFERENCE];
  }, [tlModel, current]);
  const [pick, setPick] = useState<string | null>(null);
  const [strategyPick, setStrategyPick] = useState<Strategy | null>(null);
  const fallback = screen === 'saliency' && current ? 'loaded' : tlModel ? 'studio' : 'alexnet';
  const source = sources.find((s) => s.id === (pick ?? fallback)) ?? sources.find((s) => s.id === 'alexnet')!;
  const strategy = strategyPick ?? studioStrategy;

  const view = useMemo(() => {
    let layers: ArchLayer[];
    try {
      layers = analyzeTopology(source.topology);
    } catch (e) {
      return { error: errorText(e) };
    }
    const like = asModelLike(layers);
    let rows: LayerRow[] | null = null;
    let planError: string | null = null;
    try {
      const plan = planFor(like, { arch: source.arch, trunkOutput: source.trunkOutput, classifierLayers: source.classifierLayers }, strategy, Math.max(2, numClasses));
      const before = plan.frozen.at(-1) ?? plan.trunkLayer;
      const shape = like.getLayer(before).outputShape as (number | null)[];
      const inDim = plan.pool === 'gap' || plan.frozen.length ? (shape.at(-1) as number) : (shape.slice(1) as number[]).reduce((a, b) => a * b, 1);
      rows = layerTable(like, plan, inDim);
      if (unfreezeBlock && source.id === 'studio') {
        const block = new Set(lastConvBlock(like, plan.trunkLayer).layers);
        rows = rows.map((r) => (block.has(r.name) ? { ...r, status: 'trainable' } : r));
      }
    } catch (e) {
      planError = errorText(e);
    }
    return { layers, rows, planError };
  }, [source, strategy, numClasses, unfreezeBlock]);

  if ('error' in view) return <p className="error">{source.label}: {view.error}</p>;
  const { layers, rows, planError } = view;
  const byName = new Map(layers.map((l) => [l.name, l]));
  const tot = totals(layers);
  const trainable = rows ? rows.filter((r) => r.status === 'trainable' || r.status === 'new').reduce((a, r) => a + r.params, 0) : 0;
  const shown = rows ?? layers.map((l): LayerRow => ({ name: l.name, type: l.type, outputShape: formatShape(l.outputShape), params: l.params, status: '—' }));
  const blocks = shown.filter((r) => r.params > 0 || /Pooling|Flatten/.test(r.type));
  return (
    <div className="architecture">
      <div className="row">
        <label>
          Network{' '}
          <select value={source.id} onChange={(e) => setPick(e.target.value)} data-testid="architecture-source">
            {sources.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Strategy{' '}
          <select value={strategy} onChange={(e) => setStrategyPick(e.target.value as Strategy)} data-testid="architecture-strategy">
            {STRATEGIES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
      </div>
      <p className="small" data-testid="architecture-summary">
        {formatCount(tot.params)} parameters · {(tot.flops / 1e9).toFixed(2)} GFLOPs per {formatShape(layers[0]!.outputShape.slice(1)).replace(/[[\]]/g, '').replace(/,/g, '×')} image (multiply–adds × 2 of the convolutions and
        dense layers)
        {rows && ` · trained with "${strategy}": ${formatCount(trainable)} parameters (${((100 * trainable) / Math.max(1, tot.params)).toFixed(1)} %), for ${numClasses === 1 ? '1 class' : `${numClasses} classes`}${classesKnown ? '' : ' (the course\'s 10 styles; load a dataset to see yours)'}`}
      </p>
      {planError && <p className="hint">Strategy {strategy}: {planError}</p>}
      <ol className="arch-diagram" aria-label={`Diagram of ${source.label}: ${blocks.map((b) => `${b.name} ${STATUS_TEXT[b.status] || b.type}`).join(', ')}`}>
        {blocks.map((b) => (
          <li key={b.name} className={`arch-block arch-${b.status === '—' ? 'none' : b.status}`} title={`${b.name}: ${b.type} ${b.outputShape}`}>
            <span className="arch-name">{b.name}</span>
            <span className="arch-status">{STATUS_TEXT[b.status] || b.type.replace(/2D$/, '')}</span>
          </li>
        ))}
      </ol>
      <div className="table-scroll" tabIndex={0} role="region" aria-label={`Layer table of ${source.label}`}>
        <table data-testid="architecture-table">
          <caption className="sr-only">Layers of {source.label}</caption>
          <thead>
            <tr>
              <th scope="col">Layer</th>
              {/* Second: what the strategy does to the layer is the table's point, in view however narrow the drawer. */}
              <th scope="col">Strategy {strategy}</th>
              <th scope="col" className="col-type">Type</th>
              <th scope="col">Output shape</th>
              <th scope="col">Parameters</th>
              <th scope="col">FLOPs</th>
            </tr>
          </thead>
          <tbody>
            {shown.map((r) => (
              <tr key={r.name}>
                <td>{r.name}</td>
                <td>{r.status !== '—' && <span className={`status status-${r.status}`}>{STATUS_TEXT[r.status]}</span>}</td>
                <td className="col-type">{r.type}</td>
                <td>{r.outputShape}</td>
                <td className="num">{r.params.toLocaleString('en-US')}</td>
                <td className="num">{flopsText(byName.get(r.name)?.flops ?? newLayerFlops(r))}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>
                Total
              </th>
              <td className="col-type" />
              <td />
              <td className="num">{tot.params.toLocaleString('en-US')}</td>
              <td className="num">{flopsText(tot.flops)}</td>
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}
