/** A one-line message about something the app did on its own (shown in the page, announced politely). */
import { useStore } from './store';

/** `quiet`: announced, not shown — the page already shows it where the user looks. */
export function notify(notice: string | null, quiet = false): void {
  useStore.setState({ notice, noticeQuiet: quiet && !!notice });
}
