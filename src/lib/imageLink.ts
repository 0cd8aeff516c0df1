/**
 * Images given by their address: a link dragged from another page or pasted (the drop brings no
 * file, only the link), and the app's own samples. Fetched into a File, so they take the same road
 * as a dropped photo; a site that refuses, a web page instead of a picture, or a dead host is said in words.
 */

/** What a drop or paste carried when it brought no file: a link to fetch (`more`: the others of a list), or bare text (no image at all). */
export type Dropped = { kind: 'link'; url: string; more?: string[] } | { kind: 'text'; text: string };

/** `s` as an address the page can fetch, or null. */
function fetchable(s: string): string | null {
  if (/\s/.test(s)) return null; // lines of text: the URL parser would drop the breaks and make one address of them
  try {
    const u = new URL(s);
    return /^(https?|data|blob):$/.test(u.protocol) ? u.href : null;
  } catch {
    return null; // not an address: bare text
  }
}

/**
 * The link a drop or paste carried (text/uri-list first, then plain text that is an address, or a
 * list of them one per line: each is a link); null when it carried nothing.
 */
export function droppedLink(data: Pick<DataTransfer, 'getData'>): Dropped | null {
  const lines = (text: string) => text.split(/\r?\n/).map((s) => s.trim()).filter((s) => s && !s.startsWith('#'));
  const uris = lines(data.getData('text/uri-list'));
  const plain = data.getData('text/plain').trim();
  // A pasted list of addresses was read as one (the URL parser drops line breaks: a.jpghttps://…).
  const list = uris.length ? uris : lines(plain).length > 1 && lines(plain).every((l) => fetchable(l)) ? lines(plain) : [plain];
  const first = list[0];
  if (!first) return null;
  const url = fetchable(first);
  if (url) {
    const more = list.slice(1).map(fetchable).filter((x): x is string => x !== null);
    return more.length ? { kind: 'link', url, more } : { kind: 'link', url };
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
