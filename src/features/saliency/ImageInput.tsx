/** File picker, sample strip; drop and paste are handled page-wide by the screen. */
import { useEffect, useRef, useState } from 'react';
import { samplePhotos, type SamplePhoto } from '../../state/modelIndex';
import { addImageFiles, addSample, addSampleUrl } from '../../state/saliencyActions';
import { useStore } from '../../state/store';
import { WebcamCapture } from './WebcamCapture';


export function ImageInput() {
  const input = useRef<HTMLInputElement>(null);
  const [samples, setSamples] = useState<SamplePhoto[]>([]);
  const sampleSet = useStore((s) => s.salSampleSet);
  useEffect(() => {
    void samplePhotos().then(setSamples);
  }, []);
  return (
    <div className="image-input">
      <div className="dropzone" data-testid="saliency-drop">
        <button type="button" onClick={() => input.current?.click()}>
          Choose images…
        </button>{' '}
        <span className="small">or drop photos anywhere on this page, or paste one (Ctrl+V). Several images make a grid.</span>
        <input
          ref={input}
          type="file"
          accept="image/*"
          multiple
          hidden
          data-testid="saliency-input"
          aria-label="Images for saliency maps"
          onChange={(e) => {
            void addImageFiles(Array.from(e.target.files ?? []));
            e.target.value = '';
          }}
        />
      </div>
      <WebcamCapture />
      {sampleSet && <p className="small samples-label">{sampleSet.label}: click one to see the style the model predicts, and why.</p>}
      {sampleSet && (
        <div className="samples" role="group" aria-label={sampleSet.label} data-testid="painting-samples">
          {sampleSet.items.map((s) => (
            <button key={s.url} type="button" className="sample" onClick={() => void addSampleUrl(s.url, s.name)} title={s.name}>
              <img src={s.url} alt={s.name} loading="lazy" />
            </button>
          ))}
        </div>
      )}
      {!sampleSet && samples.length > 0 && <p className="small samples-label">Or try a sample photo:</p>}
      {!sampleSet && samples.length > 0 && (
        <div className="samples" role="group" aria-label="Sample images">
          {samples.map((s) => (
            <button key={s.file} type="button" className="sample" onClick={() => void addSample(s.file)} data-testid={`sample-${s.file}`} title={s.subject}>
              <img src={s.url} alt={s.subject} loading="lazy" />
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
