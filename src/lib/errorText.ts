/** The one line an error shows: its message, or the thrown value as text (a string, a rejected DOMException…). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
