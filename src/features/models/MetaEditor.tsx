/** Settings of a model; opened by default when the model had no TransferLens metadata. */
import { useState } from 'react';
import { updateMeta } from '../../state/actions';
import { useStore } from '../../state/store';

const PRESETS = {
  unit: { mode: 'unit', mean: [0, 0, 0], std: [1, 1, 1], channelOrder: 'RGB' },
  torch: { mode: 'torch', mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225], channelOrder: 'RGB' },
  caffe: { mode: 'caffe', mean: [104, 117, 123], std: [1, 1, 1], channelOrder: 'BGR' },
} as const;

export function MetaEditor() {
  const current = useStore((s) => s.current);
  const [labelsNote, setLabelsNote] = useState<string | null>(null);
  if (!current) return null;
  const { meta, metaFromFile } = current.info;
  return (
    <details className="meta-editor" open={!metaFromFile} data-testid="meta-editor">
      <summary>{metaFromFile ? 'Model settings' : 'This model has no TransferLens metadata: check these defaults'}</summary>
      <div className="row">
        <label>
          Preprocessing{' '}
          <select
            data-testid="meta-preprocess"
            value={meta.preprocess.mode}
            onChange={(e) => void updateMeta({ preprocess: { ...PRESETS[e.target.value as keyof typeof PRESETS], mean: [...PRESETS[e.target.value as keyof typeof PRESETS].mean], std: [...PRESETS[e.target.value as keyof typeof PRESETS].std] } })}
          >
            <option value="unit">unit — RGB scaled to [0, 1]</option>
            <option value="torch">torch — RGB/255, ImageNet mean/std</option>
            <option value="caffe">caffe — BGR 0..255 minus mean</option>
          </select>
        </label>
        <label>
          Class names (text file, one per line){' '}
          <input
            type="file"
            accept=".txt,text/plain"
            data-testid="meta-labels"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (!f) return;
              const labels = (await f.text()).split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
              if (labels.length !== meta.labels.length) {
                setLabelsNote(`${f.name} has ${labels.length} names but the model has ${meta.labels.length} outputs; not applied.`);
                return;
              }
              setLabelsNote(null);
              void updateMeta({ labels });
            }}
          />
        </label>
      </div>
      {labelsNote && (
        <p className="error" role="alert">
          {labelsNote}
        </p>
      )}
    </details>
  );
}
