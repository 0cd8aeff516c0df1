/** Hyperparameters, defaulting to the course recipe. */
import { setConfig } from '../../state/transferActions';
import { useStore } from '../../state/store';

function Num({ label, value, step, min, max, onChange, testId }: { label: string; value: number; step: number; min: number; max?: number; onChange: (v: number) => void; testId?: string }) {
  return (
    <label>
      {label}{' '}
      <input
        type="number"
        value={value}
        step={step}
        min={min}
        max={max}
        data-testid={testId}
        onChange={(e) => {
          const v = Number(e.target.value);
          if (Number.isFinite(v) && v >= min && (max === undefined || v <= max)) onChange(v);
        }}
      />
    </label>
  );
}

export function RecipePanel() {
  const c = useStore((s) => s.tlConfig);
  const running = useStore((s) => s.tlStatus !== 'idle');
  return (
    <fieldset className="recipe" disabled={running}>
      <legend>Recipe (course defaults: SGD, lr 0.01, momentum 0.9, batch 128, dropout 0.5, 10 epochs)</legend>
      <div className="row">
        <label>
          Optimizer{' '}
          <select value={c.optimizer} onChange={(e) => setConfig({ optimizer: e.target.value as 'sgd' | 'adam' })}>
            <option value="sgd">SGD with momentum</option>
            <option value="adam">Adam</option>
          </select>
        </label>
        <Num label="Learning rate" value={c.lr} step={0.001} min={0} onChange={(lr) => setConfig({ lr })} />
        <Num label="Momentum" value={c.momentum} step={0.05} min={0} max={0.999} onChange={(momentum) => setConfig({ momentum })} />
        <Num label="Batch" value={c.batchSize} step={1} min={1} onChange={(batchSize) => setConfig({ batchSize: Math.round(batchSize) })} />
        <Num label="Epochs" value={c.epochs} step={1} min={1} max={200} onChange={(epochs) => setConfig({ epochs: Math.round(epochs) })} testId="epochs-input" />
        <Num label="Dropout" value={c.dropout} step={0.05} min={0} max={0.95} onChange={(dropout) => setConfig({ dropout })} />
        <Num label="Weight decay" value={c.weightDecay} step={0.0001} min={0} onChange={(weightDecay) => setConfig({ weightDecay })} />
        <Num label="Seed" value={c.seed} step={1} min={0} onChange={(seed) => setConfig({ seed: Math.round(seed) })} />
      </div>
      <div className="row secondary">
        <label>
          <input type="checkbox" checked={!!c.unfreezeBlock} onChange={(e) => setConfig({ unfreezeBlock: e.target.checked })} data-testid="unfreeze-block" /> Also
          unfreeze the last conv block
        </label>
        <Num label="its learning rate × " value={c.blockLrScale ?? 0.1} step={0.05} min={0} max={1} onChange={(blockLrScale) => setConfig({ blockLrScale })} />
        <Num label="Augmented views per image" value={c.augmentViews ?? 0} step={1} min={0} max={8} onChange={(v) => setConfig({ augmentViews: Math.round(v) })} testId="augment-input" />
      </div>
      <p className="small secondary">
        Augmentation (as in the course): random 224-px crops of the image resized to 256, flipped half of the time. The trunk runs once per view and the views
        are cached, so epochs stay fast; each time a training image is drawn, one of its views is used. 0 turns it off (the feature cache then holds one view
        per image). Unfreezing the last conv block caches that block's input instead (in memory, larger) and trains the block at a smaller learning rate; the
        augmented views are not used then.
      </p>
    </fieldset>
  );
}
