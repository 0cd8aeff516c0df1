/** Folder, zip, or manifest URL in; counts, warnings and thumbnails out. */
import { useEffect, useState } from 'react';
import { droppedLink, linkName } from '../../lib/imageLink';
import { loadDatasetFiles, loadDatasetZip, loadManifest, preparedDatasets, type PreparedDataset } from '../../state/transferActions';
import { useStore } from '../../state/store';
import { PANEL_HEADING, PANEL_TITLE } from '../../state/trainBlocker';
import { showDatasetResult } from '../../lib/showOnPage';

/** A pick made in this panel: its answer is brought into view when it comes (a pick from the resume offer stays where it is). */
const pick = (loading: Promise<void>) => void loading.finally(showDatasetResult);

export function DatasetPanel() {
  const ds = useStore((s) => s.tlDataset);
  const thumbs = useStore((s) => s.tlThumbs);
  const busy = useStore((s) => s.tlDatasetBusy);
  const error = useStore((s) => s.tlDatasetError);
  const running = useStore((s) => s.tlStatus !== 'idle');
  const [url, setUrl] = useState('');
  const [base, setBase] = useState('');
  const [prepared, setPrepared] = useState<PreparedDataset[]>([]);
  useEffect(() => {
    // The sample paintings and datasets prepared with `npm run wikiart` (public/datasets/index.json).
    void preparedDatasets().then(setPrepared);
  }, []);
  const sample = prepared.find((d) => d.sample);
  const others = prepared.filter((d) => !d.sample);
  return (
    <section className="panel" aria-labelledby={PANEL_HEADING.data}>
      <h2 id={PANEL_HEADING.data} tabIndex={-1}>
        {PANEL_TITLE.data}
      </h2>
      {sample && (
        <p>
          <button type="button" className="primary" data-testid="sample-dataset" disabled={busy || running} onClick={() => pick(loadManifest(sample.url))}>
            Use the sample paintings
          </button>{' '}
          <span className="small">
            {sample.images} paintings, {sample.classes ?? '?'} styles, a fifth held back for validation
          </span>
        </p>
      )}
      <div
        className="dropzone"
        onDragOver={(e) => e.preventDefault()}
        onDrop={(e) => {
          e.preventDefault();
          pick(dropped(e.dataTransfer));
        }}
      >
        <label className="filebutton">
          Choose a folder…
          <input
            type="file"
            data-testid="dataset-input"
            // One sub-folder per class, as the course's data is laid out.
            {...({ webkitdirectory: '', directory: '' } as Record<string, string>)}
            multiple
            disabled={running}
            onChange={(e) => {
              const files = Array.from(e.target.files ?? []);
              // An empty folder still deserves an answer.
              pick(loadDatasetFiles(files));
              e.target.value = '';
            }}
          />
        </label>{' '}
        <label className="filebutton">
          or a .zip…
          <input
            type="file"
            accept=".zip,application/zip"
            data-testid="dataset-zip"
            disabled={running}
            onChange={(e) => {
              const f = e.target.files?.[0];
              if (f) pick(loadDatasetZip(f));
              e.target.value = '';
            }}
          />
        </label>{' '}
        <span className="small">or drop folders here. Each class is a sub-folder of images.</span>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (url.trim()) pick(loadManifest(url.trim(), base.trim()));
        }}
      >
        <label>
          Manifest URL (JSON, or the course's wikiart.csv.gz){' '}
          <input data-testid="manifest-url" value={url} onChange={(e) => setUrl(e.target.value)} size={36} placeholder="https://…/manifest.json" />
        </label>
        <label>
          Image base URL (optional mirror){' '}
          <input value={base} onChange={(e) => setBase(e.target.value)} size={22} placeholder="http://127.0.0.1:8000/" />
        </label>
        <button type="submit" data-testid="manifest-load" disabled={!url.trim() || busy || running}>
          Load
        </button>
      </form>
      {others.length > 0 && (
        <div className="row" data-testid="prepared-datasets">
          <span>Prepared on this server:</span>
          {others.map((d) => (
            <button key={d.url} type="button" disabled={busy || running} onClick={() => pick(loadManifest(d.url))}>
              {d.name} ({d.images} images)
            </button>
          ))}
        </div>
      )}
      {busy && <p aria-live="polite">Reading the dataset…</p>}
      {error && (
        <p className="error" role="alert" data-testid="dataset-error">
          {error}
        </p>
      )}
      {ds && (
        <div data-testid="dataset-summary">
          <p>
            <strong>{ds.name}</strong>: {ds.counts.reduce((a, b) => a + b, 0)} images in {ds.classes.length === 1 ? '1 class' : `${ds.classes.length} classes`} · train {ds.train} / validation {ds.val}{' '}
            (seeded, stratified)
          </p>
          {ds.warnings.length > 0 && (
            <ul className="warning" data-testid="dataset-warnings">
              {ds.warnings.map((w) => (
                <li key={w}>{w}</li>
              ))}
            </ul>
          )}
          <table className="counts">
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col">Images</th>
                <th scope="col">Examples</th>
              </tr>
            </thead>
            <tbody>
              {ds.classes.map((c, i) => (
                <tr key={c}>
                  <th scope="row">{c}</th>
                  <td>{ds.counts[i]}</td>
                  <td className="thumbs">
                    {ds.samples
                      .filter((s) => s.label === i && thumbs[s.source])
                      .map((s) => (
                        <img key={s.source} src={thumbs[s.source]} alt={`${c} example`} loading="lazy" />
                      ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Dropped folders: walk them with the File System entries API to keep relative paths. */
async function dropped(dt: DataTransfer): Promise<void> {
  const entries = Array.from(dt.items)
    .map((i) => i.webkitGetAsEntry?.())
    .filter((e): e is FileSystemEntry => !!e);
  if (entries.length === 0) return droppedNoFolder(dt);
  const files: File[] = [];
  const paths: string[] = [];
  const walk = async (entry: FileSystemEntry, prefix: string): Promise<void> => {
    if (entry.isFile) {
      const f = await new Promise<File>((res, rej) => (entry as FileSystemFileEntry).file(res, rej));
      files.push(f);
      paths.push(`${prefix}${entry.name}`);
    } else if (entry.isDirectory) {
      const reader = (entry as FileSystemDirectoryEntry).createReader();
      for (;;) {
        const batch = await new Promise<FileSystemEntry[]>((res, rej) => reader.readEntries(res, rej));
        if (batch.length === 0) break;
        for (const e of batch) await walk(e, `${prefix}${entry.name}/`);
      }
    }
  };
  for (const e of entries) await walk(e, '');
  if (files.length === 1 && /\.zip$/i.test(files[0]!.name)) return loadDatasetFiles(files, [files[0]!.name]);
  return loadDatasetFiles(files, paths);
}

/** A drop that brought no file (a link dragged from another page, text): a manifest's link loads, anything else is answered (it was ignored). */
function droppedNoFolder(dt: DataTransfer): Promise<void> {
  const d = droppedLink(dt);
  if (d?.kind === 'link' && /\.(json|csv|csv\.gz)$/i.test(new URL(d.url).pathname)) return loadManifest(d.url);
  if (d)
    useStore.setState({
      tlDatasetError: `${d.kind === 'link' ? `${linkName(d.url)} is not a dataset manifest` : `That was text (“${d.text}”), not a folder`}: drop a folder of class folders or a .zip, or give a manifest (.json) or the course's wikiart.csv(.gz) by its address`,
    });
  return Promise.resolve();
}
