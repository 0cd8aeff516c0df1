/** Header controls: lecture mode, the Learn panel, a shareable link, the shortcuts. */
import { useEffect, useRef } from 'react';
import { copyLink, notify, setLecture } from '../../state/classroomActions';
import { useStore } from '../../state/store';

export function ClassroomBar() {
  const lecture = useStore((s) => s.lecture);
  const learnOpen = useStore((s) => s.learnOpen);
  return (
    <div className="classroom-bar">
      <button type="button" className="toggle" aria-pressed={lecture} onClick={() => setLecture(!lecture)} data-testid="lecture-toggle" title="Lecture mode (L)" aria-label="Lecture mode">
        Lecture<span className="long"> mode</span>
      </button>
      <button
        type="button"
        className="toggle"
        aria-expanded={learnOpen}
        aria-controls="learn"
        onClick={() => {
          useStore.setState({ learnOpen: !learnOpen });
          // Opened: the focus goes into it, at its heading (Close was four Tabs away, past the header's other buttons).
          if (!learnOpen) setTimeout(() => document.getElementById('learn-h')?.focus());
        }}
        data-testid="learn-toggle"
      >
        Learn
      </button>
      <button type="button" className="toggle" onClick={() => void copyLink()} data-testid="copy-link" aria-label="Copy link">
        <span className="long">Copy </span>link
      </button>
      <button type="button" className="toggle" onClick={() => useStore.setState({ shortcutsOpen: true })} aria-label="Keyboard shortcuts (?)" data-testid="shortcuts-button">
        ?
      </button>
    </div>
  );
}

/** Messages about what the app did on its own; they fade after a while. */
export function Notice() {
  const notice = useStore((s) => s.notice);
  const quiet = useStore((s) => s.noticeQuiet);
  useEffect(() => {
    if (!notice) return;
    // A shortcut's echo ("Method: SmoothGrad") goes quickly: it covered the map for 8 s. What
    // the app did on its own (a backend switched after a failure) stays long enough to be read.
    const t = setTimeout(() => notify(null), notice.length <= 40 ? 2500 : 8000);
    return () => clearTimeout(t);
  }, [notice]);
  return (
    <div className={quiet ? 'notice quiet' : 'notice'} role="status" aria-live="polite" data-testid="notice">
      {notice && !quiet && <button type="button" className="link dismiss" aria-label="Close this message" data-testid="notice-dismiss" onClick={() => notify(null)} />}
      {notice}
    </div>
  );
}

const SHORTCUTS: [string, string][] = [
  ['Space', 'Start, pause or resume training (or a replay) — Transfer learning'],
  ['← / →', 'Previous / next image (with one image: the next sample) — Saliency maps'],
  ['M', 'Next saliency method — Saliency maps'],
  ['← ↑ → ↓', 'In a feature-space plot (Tab to it): the nearest painting that way — Transfer learning'],
  ['F', 'Full screen on / off'],
  ['L', 'Lecture mode on / off'],
  ['?', 'Show or hide this list'],
  ['Esc', 'Close the Learn panel, this list or the backend details'],
];

export function ShortcutsDialog() {
  const open = useStore((s) => s.shortcutsOpen);
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} className="shortcuts" aria-labelledby="shortcuts-h" onClose={() => useStore.setState({ shortcutsOpen: false })} data-testid="shortcuts-dialog">
      <h2 id="shortcuts-h">Keyboard shortcuts</h2>
      <table>
        <tbody>
          {SHORTCUTS.map(([k, v]) => (
            <tr key={k}>
              <th scope="row">
                <kbd>{k}</kbd>
              </th>
              <td>{v}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small">Keys typed into a field are left alone. Tab moves between controls; Enter or Space activates the focused one.</p>
      <button type="button" onClick={() => useStore.setState({ shortcutsOpen: false })} autoFocus>
        Close
      </button>
    </dialog>
  );
}
