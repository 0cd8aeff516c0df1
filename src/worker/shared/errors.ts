/** Errors cross the worker boundary as plain data: `{ name, message, stack }`, never swallowed. */
import type { SerializedError } from './client';

export function serializeError(e: unknown): SerializedError {
  if (e instanceof Error) return { name: e.name, message: e.message, stack: e.stack };
  return { name: 'Error', message: String(e) };
}
