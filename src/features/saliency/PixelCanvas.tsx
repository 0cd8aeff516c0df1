/** A canvas that shows RGBA pixels at their size, scaled by CSS, and can hand back a PNG. */
import { forwardRef, useEffect, useImperativeHandle, useRef } from 'react';

export interface PixelCanvasHandle {
  download(filename: string): void;
}

/** Draws an RGBA array; scales up crisply with CSS. */
export const PixelCanvas = forwardRef<PixelCanvasHandle, { rgba: Uint8ClampedArray; width: number; height: number; label: string; testId?: string }>(
  function PixelCanvas({ rgba, width, height, label, testId }, ref) {
    const canvas = useRef<HTMLCanvasElement>(null);
    useEffect(() => {
      const c = canvas.current;
      const ctx = c?.getContext('2d');
      if (!c || !ctx || rgba.length !== width * height * 4) return;
      c.width = width;
      c.height = height;
      ctx.putImageData(new ImageData(new Uint8ClampedArray(rgba), width, height), 0, 0);
    }, [rgba, width, height]);
    useImperativeHandle(ref, () => ({
      download(filename: string) {
        canvas.current?.toBlob((blob) => {
          if (!blob) return;
          const a = document.createElement('a');
          a.href = URL.createObjectURL(blob);
          a.download = filename;
          a.click();
          setTimeout(() => URL.revokeObjectURL(a.href), 1000);
        }, 'image/png');
      },
    }));
    return <canvas ref={canvas} className="pixels" role="img" aria-label={label} data-testid={testId} />;
  },
);
