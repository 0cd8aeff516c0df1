/** "Open model…": model.json + weight shards, picked or dropped. */
import { useRef } from 'react';
import { useDropzone } from '../shared/useDropzone';
import { linkName } from '../../lib/imageLink';
import { showModelOutcome } from '../../lib/showOnPage';
import { IMAGE_FILE } from '../../ml/core/dataset';
import { loadModel } from '../../state/actions';
import { useStore } from '../../state/store';

export function OpenModel({ disabled }: { disabled: boolean }) {
  const input = useRef<HTMLInputElement>(null);
  const open = (list: FileList | null) => {
    const files = list ? Array.from(list) : [];
    if (files.length === 0) return;
    const json = files.find((f) => f.name.endsWith('.json'));
    void loadModel({ kind: 'files', files }, json?.name.replace(/\.json$/, '') ?? 'local model').then(showModelOutcome);
  };
  // A model.json link dragged from another page (or the address bar) loads from there, as "Open from URL" would.
  const drop = useDropzone(open, disabled, (d) => {
    const name = d.kind === 'link' ? linkName(d.url) : '';
    // A photo's link read as JSON gave "model.json is not valid JSON (Unexpected token '�'…)".
    if (d.kind === 'link' && !/\.json$/i.test(name))
      useStore.setState({ loadError: `${name} is not a model.json: drop the link of a TF.js model's model.json here${IMAGE_FILE.test(name) ? ', and a photo on Try the model' : ''}` });
    else if (d.kind === 'link') void loadModel({ kind: 'url', url: d.url }, name.replace(/\.json$/i, ''));
    else useStore.setState({ loadError: `That was text (“${d.text}”), not a model: drop model.json with its weight files, or a link to a model.json` });
  });
  return (
    <div {...drop}>
      <button type="button" disabled={disabled} onClick={() => input.current?.click()}>
        Open model…
      </button>{' '}
      <span className="small">or drop a TF.js model here (model.json together with its weight files)</span>
      <input
        ref={input}
        data-testid="open-model-input"
        type="file"
        multiple
        // No accept filter: older converters write shards without an extension (group1-shard1of1), which a filter hides.
        hidden
        aria-label="Model files (model.json and its weight files)"
        onChange={(e) => {
          open(e.target.files);
          e.target.value = '';
        }}
      />
    </div>
  );
}
