/**
 * Batch loss (raw + debiased smoothing) of the current run; validation accuracy of the recent runs
 * (others toggled in a legend below the plot, which never shrinks it), with chance and, for the
 * course's 10 styles, the course band; this run's losses and accuracies per epoch.
 */
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useMemo, useRef, useState } from 'react';
import { majorityShare, unbalanced } from '../../ml/core/datasetChecks';
import { accuracyRows, accuracyTicks, countTicks, defaultRuns, finiteMax, lossRows, lossTicks, repeatedCurves, sharedClassCount, smoothingFor } from '../../viz/chartData';
import { downloadSvgAsPng } from '../../lib/svgPng';
import { replayFrame } from '../../state/replay';
import { runNames } from '../../state/runNames';
import { useStore } from '../../state/store';

/**
 * Batches and epochs on a number axis: a few round ticks (every 1, 2, 5, 10, …). As categories,
 * Recharts thinned the labels by their width at its own font size, and lecture mode's larger type
 * ran them together; left to itself on a number axis it gave 1, 3, 5, 7, 8.
 */
function countAxis(min: number, max: number, most: number) {
  return { type: 'number', domain: [min, max], ticks: countTicks(min, max, most), interval: 0, allowDecimals: false } as const;
}
/** A loss axis from 0 in four or five round steps (Recharts' own: 0, 0.85, 1.7, 2.55, 3.4). */
function lossAxis(max: number): { domain?: [number, number]; ticks?: number[]; interval?: 0 } {
  const ticks = lossTicks(max);
  return ticks ? { domain: [0, ticks.at(-1)!], ticks, interval: 0 } : {};
}

/** The page's type size, which the charts' text inherits (main.tsx sets lecture mode's on <html> before a render). */
function rootFontSize(): number {
  return typeof document === 'undefined' ? 16 : parseFloat(getComputedStyle(document.documentElement).fontSize) || 16;
}

/**
 * Room for the axes at the page's type size (22 px in lecture mode, from the CSS): Recharts'
 * defaults fit its own 12 px labels, and at 22 px the axis titles sat on the tick labels.
 * Each title goes inside its axis' box, beside (not over) the ticks.
 */
function axes(fs: number) {
  const x = (value: string) => ({ height: Math.round(2.6 * fs), label: { value, position: 'insideBottom', offset: 0 } as const });
  const y = (value: string, right = false) => ({
    width: Math.round(4.2 * fs),
    label: { value, angle: right ? 90 : -90, position: right ? 'insideRight' : 'insideLeft', style: { textAnchor: 'middle' } } as const,
  });
  // Taller with the type, so the plot keeps its height: at a fixed 240 px, lecture mode's axes and legend left a 120 px plot.
  // The two live charts grow by what their text grows (they stay on a 1280×720 projector's first screen); the epoch chart, below them, by more.
  const height = Math.max(240, Math.round(240 + 8 * (fs - 16)));
  return { x, y, margin: { top: Math.round(0.6 * fs), right: Math.round(fs), bottom: Math.round(0.4 * fs), left: 0 }, legend: Math.round(1.9 * fs), height, tall: Math.max(240, Math.round(15 * fs)) };
}
/** Accuracy ticks: every quarter, all of them shown. */
const ACC_TICKS = accuracyTicks(4);
/** Epoch curves are measurements: straight segments, each epoch a dot (so the first epoch shows at all), never dashed. */
const EPOCH_DOT = { r: 2.5, strokeDasharray: '0' } as const;
/** A dot per epoch while they can be told apart (and drawn quickly): a long run is a line. Filled (`fill`: the line's colour) or hollow. */
const dotsFor = (epochs: number, fill?: string) => (epochs <= 60 ? (fill ? { ...EPOCH_DOT, fill } : EPOCH_DOT) : false);

function PngButton({ target, name }: { target: React.RefObject<HTMLElement | null>; name: string }) {
  return (
    <button
      type="button"
      className="link secondary"
      onClick={() => {
        const svg = target.current?.querySelector('svg.recharts-surface');
        if (svg) void downloadSvgAsPng(svg as SVGSVGElement, name);
      }}
    >
      PNG
    </button>
  );
}

const COLORS = ['#1f5fbf', '#c2410c', '#15803d', '#7c3aed', '#b91c1c', '#0e7490'];
const NO_LOSSES: number[] = [];
/** Saved runs drawn by default: the most recent few (the others are a click away). */
const RECENT = 3;
const COURSE_CLASSES = 10;

/** A tooltip in the axis' words, values to three decimals (it read "19" and "each batch : 1.8939443826675415"). */
function tip(unit: string) {
  return {
    labelFormatter: (l: unknown) => `${unit} ${String(l)}`,
    formatter: (v: unknown) => (typeof v === 'number' ? v.toFixed(3) : String(v)),
  };
}

export function Charts() {
  const liveRun = useStore((s) => s.tlLive);
  const runs = useStore((s) => s.tlRuns);
  const trainStatus = useStore((s) => s.tlStatus);
  const replay = useStore((s) => s.replay);
  // A run a reload cut off draws its kept curves while the studio offers to resume it.
  const cut = useStore((s) => (s.tlStatus === 'idle' ? s.tlResume : null));
  const dataset = useStore((s) => s.tlDataset);
  const lecture = useStore((s) => s.lecture);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- lecture mode changes the root's type size
  const ax = useMemo(() => axes(rootFontSize()), [lecture]);
  const [picked, setPicked] = useState<Set<string> | null>(null);
  const replayed = replay ? runs.find((r) => r.id === replay.runId) : undefined;
  // Named by what sets them apart (runs that differed only in their batch had one name).
  const names = useMemo(() => runNames(runs), [runs]);
  const nameOf = (r: { id: string; label: string }) => names.get(r.id) ?? r.label;
  const frame = replay && replayed ? replayFrame(replayed, replay.step) : null;
  // A replay draws like a live run, from the saved run's record; so does a cut-off run, from what it kept.
  const drawn = frame ?? (cut && !liveRun ? cut : null);
  const live = drawn ? { batchLosses: drawn.batchLosses, epochs: drawn.epochs } : liveRun;
  const status = drawn ? 'running' : trainStatus;
  const currentLabel = replayed ? `replay: ${nameOf(replayed)}` : frame ? 'replay' : cut && !liveRun ? `cut-off run (epochs 1–${cut.epoch})` : 'this run';
  const lossRef = useRef<HTMLElement>(null);
  const accRef = useRef<HTMLElement>(null);
  const epochRef = useRef<HTMLElement>(null);
  const last = runs.at(-1);
  const epochs = status !== 'idle' ? (live?.epochs ?? []) : (last?.epochs ?? []);
  // Idle after a reload there is no live run: the last saved run's losses (the epoch chart beside it shows that run too; it said "No run yet").
  const lossRun = live ?? (status === 'idle' ? last : undefined);
  const losses = lossRun?.batchLosses ?? NO_LOSSES;
  // Batches an epoch: from what the run drew once an epoch has ended, else from the split and the batch size.
  const perEpoch = useStore((s) => Math.ceil((s.tlDataset?.train ?? 0) / Math.max(1, s.tlConfig.batchSize)));
  const k = smoothingFor(lossRun?.epochs.length ? losses.length / lossRun.epochs.length : perEpoch);
  const lossData = useMemo(() => lossRows(losses, 400, k), [losses, k]);
  const candidates = runs.filter((r) => r !== replayed);
  // By default the recent runs on the dataset in the studio: accuracies on other datasets (other
  // classes, another chance level) are not comparable. The others are a click away, named.
  const shownIds = picked ?? defaultRuns(candidates, dataset?.name, RECENT);
  const datasets = new Set(candidates.map((r) => r.dataset));
  const shown = candidates.filter((r) => shownIds.has(r.id));
  // A run with another's seed and settings draws the same line, exactly on it: the legend says whose.
  const repeats = repeatedCurves(shown.map((r) => ({ id: r.id, valAcc: r.epochs.map((e) => e.valAcc), settings: JSON.stringify([r.model, r.dataset, r.strategy, r.config]) })));
  const labelOf = (id: string) => names.get(id) ?? id;
  const colour = (id: string) => COLORS[Math.max(0, candidates.findIndex((r) => r.id === id)) % COLORS.length]!;
  const accData = accuracyRows([
    ...shown.map((r) => ({ id: r.id, valAcc: r.epochs.map((e) => e.valAcc) })),
    ...(status !== 'idle' && live ? [{ id: 'current', valAcc: live.epochs.map((e) => e.valAcc) }] : []),
  ]);
  // Chance (and the course band) only where every curve on the chart has the same number of classes.
  // On an unbalanced dataset the score to beat is always answering its largest class, not chance: drawn when every curve is on it.
  const majority = dataset && unbalanced(dataset.counts) && shown.every((r) => r.dataset === dataset.name) ? majorityShare(dataset.counts) : 0;
  const classes = sharedClassCount([...shown.map((r) => r.classes.length), ...(status !== 'idle' && dataset ? [dataset.classes.length] : [])], dataset?.classes.length ?? last?.classes.length ?? 0);
  // Idle, the loss and epoch charts draw the last run: named when its paintings are not those loaded now (the accuracy chart beside them draws this dataset's runs).
  const lastElsewhere = status === 'idle' && !drawn && last && dataset && last.dataset !== dataset.name ? last.dataset : '';
  const epochLoss = lossAxis(finiteMax(epochs, ['trainLoss', 'valLoss']));
  // Every curve drawn is another dataset's (the paintings were changed since): the caption says whose.
  const elsewhere = dataset && shown.length && status === 'idle' && shown.every((r) => r.dataset !== dataset.name) ? [...new Set(shown.map((r) => r.dataset))].join(', ') : '';
  const toggle = (id: string) => setPicked(() => {
    const next = new Set(shownIds);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    return next;
  });
  return (
    <div className="charts">
      <figure data-testid="loss-chart" data-points={losses.length} ref={lossRef}>
        <figcaption>
          Training loss per batch{lastElsewhere ? ` · the last run, on ${lastElsewhere}` : ''} <PngButton target={lossRef} name="transferlens-loss.png" />
        </figcaption>
        {losses.length === 0 ? (
          <p className="small chart-empty">No run yet: the loss of each batch appears here as it trains.</p>
        ) : (
          <ResponsiveContainer width="100%" height={ax.height}>
            <LineChart data={lossData} margin={ax.margin} title="Training loss per batch">
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="step" {...countAxis(lossData[0]?.step ?? 1, lossData.at(-1)?.step ?? 1, 6)} {...ax.x('batch')} />
              <YAxis {...lossAxis(finiteMax(lossData, ['loss', 'smoothed']))} {...ax.y('loss')} />
              <Tooltip {...tip('batch')} />
              {/* One line (a short run) is what the caption says: no legend over it. */}
              {k > 0 && <Legend verticalAlign="top" height={ax.legend} />}
              {/* A third of an epoch of one or two batches is one batch: then the average is the raw line, drawn once. */}
              {k > 0 && <Line type="linear" dataKey="loss" className="raw" stroke="#6b7280" dot={false} legendType="plainline" isAnimationActive={false} name="each batch" />}
              <Line type="linear" dataKey={k > 0 ? 'smoothed' : 'loss'} stroke="#1f5fbf" strokeWidth={2} dot={false} legendType="plainline" isAnimationActive={false} name={k > 0 ? 'average (⅓ epoch)' : 'each batch'} />
            </LineChart>
          </ResponsiveContainer>
        )}
      </figure>
      <figure data-testid="acc-chart" ref={accRef}>
        <figcaption>
          Validation accuracy per epoch{elsewhere ? ` of earlier runs on ${elsewhere} (none yet on ${dataset!.name})` : ''}
          {classes > 1 ? ` · dotted: chance (1/${classes})` : ''}
          {majority ? ` · dashed: always the largest class (${majority.toFixed(2)})` : ''}
          {classes === COURSE_CLASSES ? ' · shaded: the course\'s results, 0.37–0.41 (10 styles)' : ''} <PngButton target={accRef} name="transferlens-accuracy.png" />
        </figcaption>
        {candidates.length === 0 && status === 'idle' ? (
          // No run on the chart yet: a sentence, not empty axes (and no chart to draw on a first visit: the studio opens faster).
          <p className="small chart-empty">No run yet: each epoch's validation accuracy appears here{classes > 1 ? `, above chance (1/${classes})` : ''}.</p>
        ) : (
          <ResponsiveContainer width="100%" height={ax.height}>
            <LineChart data={accData} margin={ax.margin} title="Validation accuracy per epoch">
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="epoch" {...countAxis(1, accData.length, 10)} {...ax.x('epoch')} />
              <YAxis domain={[0, 1]} ticks={ACC_TICKS} interval={0} {...ax.y('accuracy')} />
              <Tooltip {...tip('epoch')} />
              {classes === COURSE_CLASSES && <ReferenceArea y1={0.37} y2={0.41} fill="#f59e0b" fillOpacity={0.25} label="course" />}
              {/* Named in the caption: a "chance" label inside the plot sat on the curves that start there. */}
              {classes > 1 && <ReferenceLine y={1 / classes} stroke="#6b7280" strokeDasharray="2 4" />}
              {majority > 0 && <ReferenceLine y={majority} stroke="#b45309" strokeWidth={2} strokeDasharray="8 4" className="majority-line" />}
              {shown.map((r, i) => (
                <Line key={r.id} type="linear" dataKey={r.id} name={nameOf(r)} stroke={colour(r.id)} strokeDasharray={i % 2 ? '5 3' : undefined} dot={dotsFor(accData.length)} isAnimationActive={false} />
              ))}
              {status !== 'idle' && <Line type="linear" dataKey="current" name={currentLabel} stroke="#111827" strokeWidth={2} dot={dotsFor(accData.length)} isAnimationActive={false} />}
            </LineChart>
          </ResponsiveContainer>
        )}
        {(candidates.length > 0 || status !== 'idle') && (
          <ul className="run-legend" data-testid="run-legend" aria-label="Runs on the chart">
            {status !== 'idle' && (
              <li>
                <span className="swatch" style={{ background: '#111827' }} /> {currentLabel}
              </li>
            )}
            {candidates.map((r) => {
              const same = repeats.get(r.id);
              return (
                <li key={r.id}>
                  <label>
                    <input type="checkbox" checked={shownIds.has(r.id)} onChange={() => toggle(r.id)} /> <span className="swatch" style={{ background: colour(r.id) }} /> {nameOf(r)}
                    {datasets.size > 1 ? ` · ${r.dataset}` : ''}
                  </label>
                  {same && (
                    <span className="small" data-testid="same-curve">
                      {' '}
                      · the same line as <span className="swatch" style={{ background: colour(same.of) }} />
                      <span className="sr-only">{labelOf(same.of)}</span>
                      {same.sameSettings ? ' (the same seed and settings: another seed shows how much runs vary)' : ''}
                    </span>
                  )}
                </li>
              );
            })}
          </ul>
        )}
      </figure>
      <figure data-testid="epoch-chart" ref={epochRef}>
        <figcaption>
          {replayed ? 'Replay' : drawn && !frame ? 'The cut-off run' : status !== 'idle' ? 'This run' : lastElsewhere ? `Last run (on ${lastElsewhere})` : 'Last run'} per epoch: loss (left axis), accuracy (right) · solid: training, dashed: validation{' '}
          <PngButton target={epochRef} name="transferlens-epochs.png" />
        </figcaption>
        {epochs.length === 0 ? (
          // Before any run: a sentence where the chart will be, not an empty plot with a legend.
          <p className="small chart-empty" data-testid="epoch-chart-empty">
            No run yet: each epoch's losses and accuracies appear here as it ends.
          </p>
        ) : (
        <ResponsiveContainer width="100%" height={ax.tall}>
          <LineChart data={epochs} margin={{ ...ax.margin, right: 0 }} title="Training and validation loss and accuracy per epoch">
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="epoch" {...countAxis(epochs[0]!.epoch, epochs.at(-1)!.epoch, 10)} {...ax.x('epoch')} />
            <YAxis yAxisId="loss" {...epochLoss} {...ax.y('loss')} />
            {/* As many steps as the loss axis (quarters or fifths): its ticks on the same gridlines. */}
            <YAxis yAxisId="acc" orientation="right" domain={[0, 1]} ticks={accuracyTicks((epochLoss.ticks?.length ?? 5) - 1)} interval={0} {...ax.y('accuracy', true)} />
            <Tooltip {...tip('epoch')} />
            <Legend verticalAlign="top" height={ax.legend} />
            <Line yAxisId="loss" type="linear" dataKey="trainLoss" name="train loss" stroke="#c2410c" dot={dotsFor(epochs.length, '#c2410c')} legendType="plainline" isAnimationActive={false} />
            <Line yAxisId="loss" type="linear" dataKey="valLoss" name="val loss" stroke="#c2410c" strokeDasharray="5 3" dot={dotsFor(epochs.length)} legendType="plainline" isAnimationActive={false} />
            <Line yAxisId="acc" type="linear" dataKey="trainAcc" name="train acc" stroke="#15803d" dot={dotsFor(epochs.length, '#15803d')} legendType="plainline" isAnimationActive={false} />
            <Line yAxisId="acc" type="linear" dataKey="valAcc" name="val acc" stroke="#15803d" strokeDasharray="5 3" dot={dotsFor(epochs.length)} legendType="plainline" isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
        )}
      </figure>
    </div>
  );
}
