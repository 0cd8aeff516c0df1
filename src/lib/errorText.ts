/** The one line an error shows: its message, or the thrown value as text (a string, a rejected DOMException…). */
export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * Several files' problems as one message: one line each under a count (run together, "…whatever its
 * name says empty.jpg is empty…" read as one sentence); a single problem as it is.
 */
export function filesLeftOut(problems: readonly string[]): string | null {
  if (problems.length === 0) return null;
  if (problems.length === 1) return problems[0]!;
  return `${problems.length} files were left out:\n${problems.map((p) => `• ${p}`).join('\n')}`;
}
