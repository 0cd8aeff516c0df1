/**
 * The webcam as an image source (as Teachable Machine has it): a live preview, Capture takes a
 * frame and it gets its map like any photo. The stream stays in this page — frames go to the
 * model worker of this tab and nowhere else — and the camera is released on Close or on leaving.
 */
import { useEffect, useRef, useState } from 'react';
import { revealMaps } from '../../lib/showOnPage';
import { addImageFiles } from '../../state/saliencyActions';

function cameraError(e: unknown): string {
  const name = (e as { name?: string })?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError') return 'The camera was not allowed. Allow it in the browser’s address bar and try again.';
  if (name === 'NotFoundError' || name === 'OverconstrainedError') return 'No camera was found on this device.';
  if (name === 'NotReadableError') return 'The camera is in use by another application.';
  return `The camera could not start: ${(e as Error)?.message || String(e)}`;
}

export function WebcamCapture() {
  const video = useRef<HTMLVideoElement>(null);
  const [stream, setStream] = useState<MediaStream | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [starting, setStarting] = useState(false);
  const supported = typeof navigator !== 'undefined' && !!navigator.mediaDevices?.getUserMedia;

  useEffect(() => {
    if (video.current && stream) video.current.srcObject = stream;
    return () => stream?.getTracks().forEach((t) => t.stop());
  }, [stream]);

  const open = async () => {
    setError(null);
    setStarting(true);
    try {
      setStream(await navigator.mediaDevices.getUserMedia({ video: { width: { ideal: 640 }, height: { ideal: 480 } }, audio: false }));
    } catch (e) {
      setError(cameraError(e));
    } finally {
      setStarting(false);
    }
  };

  const capture = () => {
    const v = video.current;
    if (!v || !v.videoWidth) return;
    const c = document.createElement('canvas');
    c.width = v.videoWidth;
    c.height = v.videoHeight;
    c.getContext('2d')!.drawImage(v, 0, 0);
    c.toBlob(
      (blob) => {
        if (!blob) return setError('The frame could not be captured.');
        const t = new Date().toLocaleTimeString([], { hour12: false });
        revealMaps();
        void addImageFiles([new File([blob], `camera ${t}.jpg`, { type: 'image/jpeg' })]);
      },
      'image/jpeg',
      0.92,
    );
  };

  if (!supported) return null;
  return (
    <div className="webcam" data-testid="webcam">
      {!stream ? (
        <button type="button" onClick={() => void open()} disabled={starting} data-testid="webcam-open">
          {starting ? 'Starting camera…' : 'Use the camera'}
        </button>
      ) : (
        <>
          <video ref={video} autoPlay playsInline muted className="webcam-video" aria-label="Camera preview" data-testid="webcam-video" />
          <div className="row">
            <button type="button" onClick={capture} data-testid="webcam-capture">
              Capture
            </button>
            <button type="button" onClick={() => setStream(null)} data-testid="webcam-close">
              Close camera
            </button>
            <span className="small">The video stays in this page; only the frames you capture are analysed, here.</span>
          </div>
        </>
      )}
      {error && (
        <p className="error" role="alert" data-testid="webcam-error">
          {error}
        </p>
      )}
    </div>
  );
}
