/** File picker, sample strip; drop and paste are handled page-wide by the screen. */
import { useEffect, useRef, useState } from 'react';
import { samplePhotos, type SamplePhoto } from '../../state/modelIndex';
import { revealMaps } from '../../lib/showOnPage';
import { addImageFiles } from '../../state/saliencyActions';
import { samplesOnOffer } from '../../state/sampleOffer';
import { useStore } from '../../state/store';
import { WebcamCapture } from './WebcamCapture';


export function ImageInput() {
  const input = useRef<HTMLInputElement>(null);
  const [samples, setSamples] = useState<SamplePhoto[]>([]);
  const sampleSet = useStore((s) => s.salSampleSet);
  const offered = samplesOnOffer(sampleSet, samples);
  // The sample on show is marked in the strip (a student saw five alike and could not tell which was mapped).
  const shown = useStore((s) => {
    const img = s.salImages.find((i) => i.id === s.salActive);
    return img ? (img.sample ?? (s.salSampleSet ? img.name : null)) : null;
  });
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
            const files = Array.from(e.target.files ?? []);
            if (files.length) revealMaps();
            void addImageFiles(files);
            e.target.value = '';
          }}
        />
      </div>
      <WebcamCapture />
      {offered.length > 0 && <p className="small samples-label">{sampleSet ? `${sampleSet.label}: click one to see the style the model predicts, and why.` : 'Or try a sample photo:'}</p>}
      {offered.length > 0 && (
        <div className="samples" role="group" aria-label={sampleSet?.label ?? 'Sample images'} data-testid={sampleSet ? 'painting-samples' : undefined}>
          {offered.map((s) => (
            <button key={s.url} type="button" className="sample" aria-pressed={shown === s.name} onClick={() => {
                revealMaps();
                void s.add();
              }} data-testid={s.testId} title={s.title}>
              <img src={s.url} alt={s.title} loading="lazy" />
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
