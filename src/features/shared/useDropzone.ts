/** Drag-over highlighting and a drop handler for a drop zone; the zone's button is the keyboard path. */
import { useState, type DragEvent } from 'react';
import { droppedLink, type Dropped } from '../../lib/imageLink';

/** `onLink`: what a drop that brought no file carried (a link dragged from another page, or text); without it such a drop is ignored. */
export function useDropzone(onFiles: (files: FileList) => void, disabled = false, onLink?: (d: Dropped) => void) {
  const [over, setOver] = useState(false);
  return {
    className: `dropzone ${over ? 'over' : ''}`,
    onDragOver: (e: DragEvent) => {
      e.preventDefault();
      setOver(true);
    },
    onDragLeave: () => setOver(false),
    onDrop: (e: DragEvent) => {
      e.preventDefault();
      setOver(false);
      if (disabled) return;
      if (e.dataTransfer.files.length) return onFiles(e.dataTransfer.files);
      const d = onLink ? droppedLink(e.dataTransfer) : null;
      if (d) onLink?.(d);
    },
  };
}
