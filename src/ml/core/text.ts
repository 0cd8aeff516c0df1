/** Telling text from bytes that are not: an image, an archive or a weight file read where JSON or CSV was wanted. */

/** Control bytes or undecodable ones near the start: a binary file given where text was wanted. */
export function looksBinary(text: string): boolean {
  return /[\u0000-\u0008\u000e-\u001a\ufffd]/.test(text.slice(0, 1024));
}
