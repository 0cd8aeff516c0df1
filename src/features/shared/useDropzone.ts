/** Drag-over highlighting and a drop handler for a drop zone; the zone's button is the keyboard path. */
import { useState, type DragEvent } from 'react';

export function useDropzone(onFiles: (files: FileList) => void, disabled = false) {
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
      if (!disabled && e.dataTransfer.files.length) onFiles(e.dataTransfer.files);
    },
  };
}
