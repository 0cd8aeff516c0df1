/**
 * Focus that a state change took away goes to the control that acts next. A button that disables
 * itself (Train while it runs) or is replaced (Pause → Resume, a link that goes once it has done its
 * work) leaves focus on <body>: the next Tab starts over from the top of the page. Only focus that
 * was last inside `ref` is moved, so nothing is taken from the user elsewhere on the page.
 */
import { useEffect, useRef, type RefObject } from 'react';

export function useFocusNext(ref: RefObject<HTMLElement | null>, key: string, next: string | null): void {
  const inside = useRef(false);
  useEffect(() => {
    const root = ref.current;
    if (!root) return;
    const onIn = () => {
      inside.current = true;
    };
    // Focus that went somewhere else (not lost to <body>) is the user's: leave it.
    const onOut = (e: FocusEvent) => {
      if (e.relatedTarget && !root.contains(e.relatedTarget as Node)) inside.current = false;
    };
    root.addEventListener('focusin', onIn);
    root.addEventListener('focusout', onOut);
    return () => {
      root.removeEventListener('focusin', onIn);
      root.removeEventListener('focusout', onOut);
    };
  }, [ref]);
  useEffect(() => {
    const a = document.activeElement as HTMLButtonElement | null;
    const lost = !a || a === document.body || !a.isConnected || a.disabled;
    if (!inside.current || !lost || !next) return;
    const target = ref.current?.querySelector<HTMLButtonElement>(next);
    if (target && !target.disabled) target.focus();
  }, [ref, key, next]);
}
