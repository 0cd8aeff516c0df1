/** A one-line message about something the app did on its own (shown in the page, announced politely). */
import { useStore } from './store';

export function notify(notice: string | null): void {
  useStore.setState({ notice });
}
