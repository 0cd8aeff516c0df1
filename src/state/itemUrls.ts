/** Displayable URLs for dataset items: the URL itself, or one object URL per local file (made once, kept). */

let localFiles: Map<string, File> | null = null;
const objectUrls = new Map<string, string>();
/** A displayable URL for a dataset item: the URL itself, or an object URL of the local file. */
export function imageUrl(source: string): string | undefined {
  if (/^(https?|blob|data):/.test(source)) return source;
  const hit = objectUrls.get(source);
  if (hit) return hit;
  const f = localFiles?.get(source);
  if (!f) return undefined;
  const url = URL.createObjectURL(f);
  objectUrls.set(source, url);
  return url;
}


/** The files of a dropped or picked dataset, by their relative path; earlier object URLs are released. */
export function setLocalFiles(files: Map<string, File> | null): void {
  for (const u of objectUrls.values()) URL.revokeObjectURL(u);
  objectUrls.clear();
  localFiles = files;
}

export function localFile(source: string): File | undefined {
  return localFiles?.get(source);
}
