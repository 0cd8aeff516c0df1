/** Batch loss (raw + smoothed) of the current run; validation accuracy of every run with the course band. */
import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, Tooltip, XAxis, YAxis } from 'recharts';
import { useMemo, useRef } from 'react';
import { downloadSvgAsPng } from '../../lib/svgPng';
import { replayFrame } from '../../state/replay';
import { useStore } from '../../state/store';

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
const MAX_POINTS = 400;
const NO_LOSSES: number[] = [];

function smooth(values: number[], k = 0.9): number[] {
  let s = values[0] ?? 0;
  return values.map((v) => (s = k * s + (1 - k) * v));
}

export function Charts() {
  const liveRun = useStore((s) => s.tlLive);
  const runs = useStore((s) => s.tlRuns);
  const trainStatus = useStore((s) => s.tlStatus);
  const replay = useStore((s) => s.replay);
  const replayed = replay ? runs.find((r) => r.id === replay.runId) : undefined;
  const frame = replay && replayed ? replayFrame(replayed, replay.step) : null;
  // A replay draws like a live run, from the saved run's record.
  const live = frame ? { batchLosses: frame.batchLosses, epochs: frame.epochs } : liveRun;
  const status = frame ? 'running' : trainStatus;
  const lossRef = useRef<HTMLElement>(null);
  const accRef = useRef<HTMLElement>(null);
  const epochRef = useRef<HTMLElement>(null);
  const last = runs.at(-1);
  const epochs = status !== 'idle' ? (live?.epochs ?? []) : (last?.epochs ?? []);
  const losses = live?.batchLosses ?? NO_LOSSES;
  const lossData = useMemo(() => {
    const sm = smooth(losses);
    // Draw at most MAX_POINTS: bucket means, so a long run stays cheap to render.
    const step = Math.max(1, Math.ceil(losses.length / MAX_POINTS));
    const out: { step: number; loss: number; smoothed: number }[] = [];
    for (let i = 0; i < losses.length; i += step) {
      const j = Math.min(losses.length, i + step);
      let s = 0;
      for (let k = i; k < j; k++) s += losses[k]!;
      out.push({ step: j, loss: s / (j - i), smoothed: sm[j - 1]! });
    }
    return out;
  }, [losses]);
  const shown = runs.filter((r) => r !== replayed).slice(-COLORS.length);
  const maxEpochs = Math.max(live?.epochs.length ?? 0, ...shown.map((r) => r.epochs.length), 1);
  const accData = Array.from({ length: maxEpochs }, (_, e) => {
    const row: Record<string, number> = { epoch: e + 1 };
    shown.forEach((r) => {
      const ep = r.epochs[e];
      if (ep) row[r.id] = ep.valAcc;
    });
    if (status !== 'idle' && live?.epochs[e]) row.current = live.epochs[e]!.valAcc;
    return row;
  });
  return (
    <div className="charts">
      <figure data-testid="loss-chart" data-points={losses.length} ref={lossRef}>
        <figcaption>
          Training loss per batch (raw and smoothed) <PngButton target={lossRef} name="transferlens-loss.png" />
        </figcaption>
        <LineChart width={520} height={220} data={lossData}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="step" />
          <YAxis width={48} />
          <Tooltip />
          <Legend />
          <Line type="monotone" dataKey="loss" stroke="#9ca3af" dot={false} isAnimationActive={false} name="batch loss" />
          <Line type="monotone" dataKey="smoothed" stroke="#1f5fbf" strokeWidth={2} dot={false} isAnimationActive={false} name="smoothed" />
        </LineChart>
      </figure>
      <figure data-testid="acc-chart" ref={accRef}>
        <figcaption>
          Validation accuracy per epoch · shaded: course results 0.37–0.41 <PngButton target={accRef} name="transferlens-accuracy.png" />
        </figcaption>
        <LineChart width={520} height={220} data={accData}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="epoch" />
          <YAxis width={48} domain={[0, 1]} />
          <Tooltip />
          <Legend />
          <ReferenceArea y1={0.37} y2={0.41} fill="#f59e0b" fillOpacity={0.25} label="course" />
          {shown.map((r, i) => (
            <Line key={r.id} type="monotone" dataKey={r.id} name={r.label} stroke={COLORS[i % COLORS.length]} strokeDasharray={i % 2 ? '5 3' : undefined} isAnimationActive={false} />
          ))}
          {status !== 'idle' && <Line type="monotone" dataKey="current" name={replayed ? `replay: ${replayed.label}` : 'this run'} stroke="#111827" strokeWidth={2} isAnimationActive={false} />}
        </LineChart>
      </figure>
      <figure data-testid="epoch-chart" ref={epochRef}>
        <figcaption>
          {replayed ? 'Replay' : status !== 'idle' ? 'This run' : 'Last run'}: training and validation loss (left) and accuracy (right) per epoch{' '}
          <PngButton target={epochRef} name="transferlens-epochs.png" />
        </figcaption>
        <LineChart width={520} height={220} data={epochs}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="epoch" />
          <YAxis yAxisId="loss" width={48} />
          <YAxis yAxisId="acc" orientation="right" width={40} domain={[0, 1]} />
          <Tooltip />
          <Legend />
          <Line yAxisId="loss" type="monotone" dataKey="trainLoss" name="train loss" stroke="#c2410c" isAnimationActive={false} />
          <Line yAxisId="loss" type="monotone" dataKey="valLoss" name="val loss" stroke="#c2410c" strokeDasharray="5 3" isAnimationActive={false} />
          <Line yAxisId="acc" type="monotone" dataKey="trainAcc" name="train acc" stroke="#15803d" isAnimationActive={false} />
          <Line yAxisId="acc" type="monotone" dataKey="valAcc" name="val acc" stroke="#15803d" strokeDasharray="5 3" isAnimationActive={false} />
        </LineChart>
      </figure>
    </div>
  );
}
