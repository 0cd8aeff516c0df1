/** Hyperparameters, defaulting to the course recipe. */
import { RECIPE_RANGES as R } from '../../ml/core/vocab';
import { Num } from '../shared/Num';
import { setConfig } from '../../state/transferActions';
import { useStore } from '../../state/store';

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
        <Num label="Learning rate" value={c.lr} step={0.001} range={R.lr} onChange={(lr) => setConfig({ lr })} />
        <Num label="Momentum" value={c.momentum} step={0.001} range={R.momentum} onChange={(momentum) => setConfig({ momentum })} />
        <Num label="Batch" value={c.batchSize} step={1} range={R.batchSize} onChange={(batchSize) => setConfig({ batchSize })} />
        <Num label="Epochs" value={c.epochs} step={1} range={R.epochs} onChange={(epochs) => setConfig({ epochs })} testId="epochs-input" />
        <Num label="Dropout" value={c.dropout} step={0.05} range={{ ...R.dropout, max: 0.95, exclusiveMax: false }} onChange={(dropout) => setConfig({ dropout })} />
        <Num label="Weight decay" value={c.weightDecay} step={0.0001} range={R.weightDecay} onChange={(weightDecay) => setConfig({ weightDecay })} />
        <Num label="Seed" value={c.seed} step={1} range={R.seed} onChange={(seed) => setConfig({ seed })} />
      </div>
      <div className="row">
        <label title="The same strategy and recipe on a trunk whose weights are drawn at random: what ImageNet pretraining buys">
          <input type="checkbox" checked={c.trunk === 'random'} onChange={(e) => setConfig({ trunk: e.target.checked ? 'random' : 'pretrained' })} data-testid="random-trunk" /> Control: a random
          trunk instead of the pretrained one
        </label>
      </div>
      <div className="row secondary">
        <label>
          <input type="checkbox" checked={!!c.unfreezeBlock} onChange={(e) => setConfig({ unfreezeBlock: e.target.checked })} data-testid="unfreeze-block" /> Also
          unfreeze the last conv block
        </label>
        <Num label="its learning rate × " value={c.blockLrScale ?? 0.1} step={0.05} range={{ ...R.blockLrScale, max: 1 }} onChange={(blockLrScale) => setConfig({ blockLrScale })} />
        <Num label="Augmented views per image" value={c.augmentViews ?? 0} step={1} range={{ ...R.augmentViews, max: 8 }} onChange={(v) => setConfig({ augmentViews: v })} testId="augment-input" />
        <Num label="mixup α" value={c.mixup ?? 0} step={0.1} range={{ ...R.mixup, max: 2 }} onChange={(mixup) => setConfig({ mixup })} testId="mixup-input" />
      </div>
      <p className="small secondary">
        Augmentation (as in the course): random 224-px crops of the image resized to 256, flipped half of the time. The trunk runs once per view and the views
        are cached, so epochs stay fast; each time a training image is drawn, one of its views is used. 0 turns it off (the feature cache then holds one view
        per image). Unfreezing the last conv block caches that block's input instead (in memory, larger) and trains the block at a smaller learning rate; the
        augmented views are not used then. mixup (0.2–0.4 is usual; 0 = off) trains on blends of two paintings with their labels blended alike, λ drawn from
        Beta(α, α) for each batch; the blend is made on the cached features where the new layers start, so it costs nothing extra. Its runs are labelled
        “mixup” in the comparison: expect a higher training loss and, on small sets, a steadier validation curve.
      </p>
    </fieldset>
  );
}
