/**
 * Images given by their address: a link dragged from another page or pasted (the drop brings no
 * file, only the link), and the app's own samples. Fetched into a File, so they take the same road
 * as a dropped photo; a site that refuses, a web page instead of a picture, or a dead host is said in words.
 */

/** What a drop or paste carried when it brought no file: a link to fetch, or bare text (no image at all). */
export type Dropped = { kind: 'link'; url: string } | { kind: 'text'; text: string };

/** The link a drop or paste carried (text/uri-list first, then plain text that is an address); null when it carried nothing. */
export function droppedLink(data: Pick<DataTransfer, 'getData'>): Dropped | null {
  const uris = data
    .getData('text/uri-list')
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter((s) => s && !s.startsWith('#'));
  const first = uris[0] ?? data.getData('text/plain').trim();
  if (!first) return null;
  try {
    const u = new URL(first);
    if (/^(https?|data|blob):$/.test(u.protocol)) return { kind: 'link', url: u.href };
  } catch {
    // not an address: bare text
  }
  return { kind: 'text', text: first.length > 60 ? `${first.slice(0, 57)}…` : first };
}

/** The answer to text dropped or pasted where a photo was wanted (the saliency screen, Try the model). */
export function textNotImage(text: string, how: 'drop' | 'paste' = 'drop'): string {
  return `That was text (“${text}”), not an image: ${how} a photo, or a link to one`;
}

/** A link as the user would recognise it in a message (a data: URL is kilobytes of base64). */
function shortLink(url: string): string {
  if (url.startsWith('data:')) return 'the dropped image data';
  return url.length > 80 ? `${url.slice(0, 77)}…` : url;
}

/** The file name a link's image gets: the last part of its path ("Flamingo.jpg"), else "linked image". */
export function linkName(url: string): string {
  try {
    const u = new URL(url);
    if (u.protocol === 'data:' || u.protocol === 'blob:') return 'dropped image';
    const last = decodeURIComponent(u.pathname.split('/').filter(Boolean).at(-1) ?? '');
    return last || 'linked image';
  } catch {
    return 'linked image';
  }
}

/** Fetches an image's bytes as a File named after the link (or `name`); throws one clear sentence when it cannot. */
export async function fetchImageFile(url: string, name = linkName(url), fetchFn: typeof fetch = fetch): Promise<File> {
  let res: Response;
  try {
    res = await fetchFn(url);
  } catch {
    throw new Error(
      `could not load ${shortLink(url)}: its site does not let other pages fetch its images, or it cannot be reached. Save the image to your computer, then drop or choose the file`,
    );
  }
  if (!res.ok) throw new Error(`could not load ${shortLink(url)}: the server answered HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}`);
  if (/^text\/html\b/i.test(res.headers.get('content-type') ?? ''))
    throw new Error(`${shortLink(url)} is a web page, not an image: check the address, or drag the picture itself, or save it and drop the file`);
  const blob = await res.blob();
  return new File([blob], name, { type: blob.type });
}
