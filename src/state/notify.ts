import { useStore } from './store';

/** A one-line message about something the app did on its own (shown in the page, announced politely). */
export function notify(notice: string | null): void {
  useStore.setState({ notice });
}
