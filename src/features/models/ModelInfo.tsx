/** What the loaded model is: name, architecture, source, size, input and preprocessing. */
import { formatBytes, formatCount, formatMs } from '../../lib/format';
import { useStore } from '../../state/store';
import { MetaEditor } from './MetaEditor';

export function ModelInfo() {
  const current = useStore((s) => s.current);
  if (!current) return <p className="small">No model loaded yet.</p>;
  const { info, label } = current;
  const m = info.meta;
  return (
    <div className="model-info" data-testid="model-info">
      <h3 id="model-info-h" tabIndex={-1}>
        {m.name || label}
      </h3>
      <dl>
        <dt>Architecture</dt>
        <dd data-testid="model-arch">{m.arch}</dd>
        <dt>Source</dt>
        <dd>{m.source}</dd>
        <dt>Parameters</dt>
        <dd>{formatCount(info.params)}</dd>
        <dt>Input</dt>
        <dd>
          {m.inputSize[0]}×{m.inputSize[1]} px, {m.preprocess.mode} preprocessing ({m.preprocess.channelOrder})
        </dd>
        <dt>Classes</dt>
        <dd>{m.labels.length}</dd>
        <dt>Loaded</dt>
        <dd data-testid="model-from">
          {formatBytes(info.bytes)} from {info.from === 'cache' ? 'the browser cache' : info.from === 'files' ? 'your files' : 'the network'} in{' '}
          {formatMs(info.ms)}
        </dd>
      </dl>
      {info.warnings.length > 0 && (
        <ul className="warning">
          {info.warnings.map((w) => (
            <li key={w}>{w}</li>
          ))}
        </ul>
      )}
      <MetaEditor />
    </div>
  );
}
