/** Lesson B: drop photos, pick a class and a method, see the maps. */
import { useDeferredValue, useEffect, useState } from 'react';
import { SALIENCY_METHOD_INFO, type SaliencyMethod } from '../../ml/core/vocab';
import { backToImageNet } from '../../state/transferActions';
import { droppedLink, textNotImage, type Dropped } from '../../lib/imageLink';
import { mapShown, releaseMapsSpace, revealMaps } from '../../lib/showOnPage';
import { takesText } from '../../lib/textEntry';
import { addImageFiles, addImageUrl, cancelSaliency, ensureSaliencyModel } from '../../state/saliencyActions';
import { useStore } from '../../state/store';
import { CourseModelOffer } from '../models/CourseModelOffer';
import { LoadProgress } from '../models/LoadProgress';
import { ActivationView } from './ActivationView';
import { BatchGrid } from './BatchGrid';
import { ClassModelPanel } from './ClassModelPanel';
import { ClassPanel } from './ClassPanel';
import { CompareStrip } from './CompareStrip';
import { ImageInput } from './ImageInput';
import { MapPanels } from './MapPanels';
import { MethodPanel } from './MethodPanel';


export function SaliencyScreen() {
  const backend = useStore((s) => s.backend);
  const indexState = useStore((s) => s.indexState);
  const indexError = useStore((s) => s.indexError);
  const current = useStore((s) => s.current);
  const loading = useStore((s) => s.loading);
  const loadError = useStore((s) => s.loadError);
  const busy = useStore((s) => s.salBusy);
  const error = useStore((s) => s.salError);
  const active = useStore((s) => s.salImages.find((i) => i.id === s.salActive));
  const result = useStore((s) => (s.salActive ? s.salResults[s.salActive] : undefined));
  const salClass = useStore((s) => s.salClass);
  // A new map is drawn in React's background lane: the page first answers with the old panels,
  // then renders the new ones in slices of a few ms, so the page never freezes for a whole
  // result (one 30–55 ms task on two cores before, with the next map's WASM threads beside it).
  const shown = useDeferredValue(result ?? null, null);
  const shownImage = useDeferredValue(active ?? null, null);
  const fineTuned = !!current && /fine-tuned/.test(current.label);
  // Progress over the map only for the image on show (or a decode): another grid image's job greyed out a finished map, its count on that image's card instead.
  const forShown = !!busy && (busy.phase === 'decode' || !busy.imageId || busy.imageId === (shownImage ?? active)?.id);
  const progress = busy && forShown ? (
    <div className={shown ? 'progress overlay' : 'progress'} aria-live="polite" data-testid="saliency-progress">
      <span>
        {busy.phase === 'decode' ? 'Decoding image…' : SALIENCY_METHOD_INFO[busy.method as SaliencyMethod]?.short ?? busy.method}
        {busy.total > 1 ? ` ${busy.done}/${busy.total}` : busy.phase === 'decode' ? '' : '…'}
      </span>
      <progress max={busy.total || 1} value={busy.total > 1 ? busy.done : undefined} aria-label="Saliency progress" />
      <button type="button" onClick={cancelSaliency}>
        Cancel
      </button>
    </div>
  ) : null;

  useEffect(() => {
    void ensureSaliencyModel();
  }, [backend, indexState]);
  // The map (or the message) the user's new image brought, now on the page: in view where the panel sits below the inputs.
  useEffect(() => {
    if (shown || error) mapShown();
  }, [shown, error]);
  // The window's height a reveal kept for the maps is given back once no image is left.
  const holding = useStore((s) => s.salImages.length > 0 || !!s.salBusy);
  useEffect(() => {
    if (!holding) releaseMapsSpace();
  }, [holding]);

  // Files or a link dragged over the page: it says where they go (nothing showed until the drop).
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    let depth = 0;
    const carries = (e: DragEvent) => !!e.dataTransfer && [...e.dataTransfer.types].some((t) => t === 'Files' || t === 'text/uri-list');
    const enter = (e: DragEvent) => {
      if (!carries(e)) return;
      depth++;
      setDragging(true);
    };
    const leave = () => {
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const end = () => {
      depth = 0;
      setDragging(false);
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', end);
    window.addEventListener('dragend', end);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', end);
      window.removeEventListener('dragend', end);
    };
  }, []);

  // Drop anywhere on the page, or paste.
  useEffect(() => {
    const over = (e: DragEvent) => e.preventDefault();
    /** Files, else a link (a picture dragged from another page often brings only its link): true when there was an image to add. */
    const give = (files: File[], d: Dropped | null): boolean => {
      const link = d?.kind === 'link' ? d.url : null;
      if (!files.length && !link) return false;
      revealMaps();
      // A pasted list of addresses makes a grid, as several files do.
      void (link ? addImageUrl(d?.kind === 'link' && d.more ? [link, ...d.more] : link) : addImageFiles(files));
      return true;
    };
    // Text brings no image at all: said, not ignored.
    const notText = (text: string, how: 'drop' | 'paste') => useStore.setState({ salError: textNotImage(text, how) });
    const drop = (e: DragEvent) => {
      e.preventDefault();
      const files = Array.from(e.dataTransfer?.files ?? []);
      const d = files.length || !e.dataTransfer ? null : droppedLink(e.dataTransfer);
      if (!give(files, d) && d?.kind === 'text') notText(d.text, 'drop');
    };
    const paste = (e: ClipboardEvent) => {
      const files = Array.from(e.clipboardData?.files ?? []);
      // A copied image address is fetched like a dropped link, unless it is pasted into a text field.
      const d = files.length || !e.clipboardData || takesText(e.target) ? null : droppedLink(e.clipboardData);
      if (give(files, d)) e.preventDefault();
      else if (d?.kind === 'text') notText(d.text, 'paste');
    };
    window.addEventListener('dragover', over);
    window.addEventListener('drop', drop);
    window.addEventListener('paste', paste);
    return () => {
      window.removeEventListener('dragover', over);
      window.removeEventListener('drop', drop);
      window.removeEventListener('paste', paste);
    };
  }, []);

  return (
    <div className="saliency" data-testid="screen-saliency">
      {dragging && (
        <div className="drop-overlay" data-testid="drop-overlay" aria-hidden="true">
          <p>Drop to see its saliency map</p>
        </div>
      )}
      <div className="sal-left">
      <section className="panel sal-intro" aria-labelledby="sal-h">
        <h2 id="sal-h" tabIndex={-1}>
          Saliency maps
        </h2>
        <p className="small secondary">
          Which pixels would change the class score S_c most if they changed? The map is |∂S_c/∂I|, the gradient of the unnormalised score with respect to the
          image, taken at your image (Simonyan, Vedaldi &amp; Zisserman, 2014).
        </p>
        <p className="small" data-testid="saliency-model" data-model={current?.label}>
          Model: {current ? <strong>{current.info.meta.name}</strong> : loading ? `loading ${loading.label}…` : 'none loaded'}
          {current && <CourseModelOffer lesson="saliency" />}
          {fineTuned && (
            <>
              {' '}
              <button type="button" className="link" data-testid="back-to-imagenet" onClick={() => void backToImageNet()}>
                Back to the ImageNet model
              </button>
            </>
          )}
        </p>
        {!current && !loading && indexState === 'missing' && (
          <p className="hint">No model is installed. Go to the Models screen to open one, or run npm run assets.</p>
        )}
        {!current && !loading && indexState === 'error' && (
          <p className="error" role="alert">
            {indexError} Open a model on the Models screen instead.
          </p>
        )}
        {loading && <LoadProgress {...loading} />}
        {loadError && !current && (
          <p className="error" role="alert">
            {loadError}
          </p>
        )}
        <ImageInput />
      </section>
      <div className="panel sal-controls">
        <MethodPanel />
        <ClassPanel />
      </div>
      </div>
      <div className="panel sal-maps">
        {error && (
          <p className="error" role="alert" data-testid="error-message">
            {/* Read, then put away: a list of files left out pushed the map down the projector's screen. Its ✕ is drawn by CSS, so the message's text is the message. */}
            <button type="button" className="link dismiss" data-testid="error-dismiss" aria-label="Dismiss this message" onClick={() => useStore.setState({ salError: null })} />
            {error}
          </p>
        )}
        <div className="map-stage">
            {shown && shownImage ? (
              <MapPanels result={shown} thumb={shownImage.thumb} name={shownImage.name} imageSize={shownImage} progress={progress} stale={!!busy && busy.phase !== 'decode' && busy.imageId === shownImage.id} />
            ) : shownImage ? (
              // The next image, while its first map is computed: its name and picture where the map will be (the panel shrank to a progress bar, and the page jumped).
              <section className="map-pending" data-testid="map-pending" aria-label={`${shownImage.name}: its map is being computed`}>
                <p className="small map-info">
                  <span className="file">{shownImage.name}</span>
                </p>
                {progress}
                <img src={shownImage.thumb} alt={shownImage.name} />
              </section>
            ) : (
              (progress ?? (
                <p className="small" data-testid="maps-empty">
                  The map and the network’s top-5 appear here: pick a sample photo, choose your own, or drop one anywhere on this page.
                </p>
              ))
            )}
        </div>
        <CompareStrip />
      </div>
      <div className="sal-grid">
        <BatchGrid />
      </div>
      <ActivationView />
      <ClassModelPanel classIndex={salClass ?? shown?.classIndex ?? null} />
    </div>
  );
}
