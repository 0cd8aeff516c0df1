import { describe, expect, it } from 'vitest';
import { droppedLink, fetchImageFile, linkName } from './imageLink';

const carrying = (data: Record<string, string>) => ({ getData: (type: string) => data[type] ?? '' });

describe('links dropped or pasted instead of files', () => {
  it('finds the link a drop carried: the uri-list first (comments skipped), else plain text that is an address', () => {
    expect(droppedLink(carrying({ 'text/uri-list': '# from a page\r\nhttps://upload.example.org/a/Flamingo.jpg\r\nhttps://other/b.jpg', 'text/plain': 'x' }))).toEqual({ kind: 'link', url: 'https://upload.example.org/a/Flamingo.jpg', more: ['https://other/b.jpg'] });
    expect(droppedLink(carrying({ 'text/plain': '  https://example.org/owl.png \n' }))).toEqual({ kind: 'link', url: 'https://example.org/owl.png' });
    expect(droppedLink(carrying({ 'text/plain': 'data:image/png;base64,iVBORw0KGgo=' }))?.kind).toBe('link');
  });

  it('a list of links (a uri-list, or addresses pasted one per line) is every link; a list with a word in it is text', () => {
    expect(droppedLink(carrying({ 'text/uri-list': 'https://a.org/1.jpg\r\nhttps://b.org/2.jpg' }))).toEqual({ kind: 'link', url: 'https://a.org/1.jpg', more: ['https://b.org/2.jpg'] });
    // Read as one before: the URL parser drops line breaks, so it fetched "1.jpghttps://b.org/2.jpg".
    expect(droppedLink(carrying({ 'text/plain': 'https://a.org/1.jpg\nhttps://b.org/2.jpg\n' }))).toEqual({ kind: 'link', url: 'https://a.org/1.jpg', more: ['https://b.org/2.jpg'] });
    expect(droppedLink(carrying({ 'text/plain': 'https://a.org/1.jpg\nmy cat' }))?.kind).toBe('text');
  });

  it('text that is no address, or an address the page cannot fetch (file:, javascript:), is text; nothing at all is null', () => {
    expect(droppedLink(carrying({ 'text/plain': 'a flamingo' }))).toEqual({ kind: 'text', text: 'a flamingo' });
    expect(droppedLink(carrying({ 'text/plain': 'javascript:alert(1)' }))).toEqual({ kind: 'text', text: 'javascript:alert(1)' });
    expect(droppedLink(carrying({ 'text/uri-list': 'file:///home/me/cat.jpg' }))?.kind).toBe('text');
    expect((droppedLink(carrying({ 'text/plain': 'x'.repeat(200) })) as { text: string }).text).toHaveLength(58);
    expect(droppedLink(carrying({}))).toBeNull();
    expect(droppedLink(carrying({ 'text/uri-list': '# only a comment', 'text/plain': '   ' }))).toBeNull();
  });

  it('names the image after its link', () => {
    expect(linkName('https://upload.example.org/wiki/a/a4/Flamingo%20pink.jpg?x=1')).toBe('Flamingo pink.jpg');
    expect(linkName('https://example.org/')).toBe('linked image');
    expect(linkName('data:image/png;base64,AAAA')).toBe('dropped image');
  });

  it('fetches the bytes as a File, or says in one sentence why not (a refusing or dead site, an HTTP error, a web page)', async () => {
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47]);
    const ok = (async () => new Response(png, { headers: { 'content-type': 'image/png' } })) as unknown as typeof fetch;
    const f = await fetchImageFile('https://example.org/img/owl.png', undefined, ok);
    expect([f.name, f.type, f.size]).toEqual(['owl.png', 'image/png', 4]);
    expect((await fetchImageFile('https://example.org/x', 'sample.jpg', ok)).name).toBe('sample.jpg');
    const notFound = (async () => new Response('', { status: 404, statusText: 'Not Found' })) as unknown as typeof fetch;
    await expect(fetchImageFile('https://example.org/gone.jpg', undefined, notFound)).rejects.toThrow('could not load https://example.org/gone.jpg: the server answered HTTP 404 Not Found');
    const page = (async () => new Response('<html></html>', { headers: { 'content-type': 'text/html; charset=utf-8' } })) as unknown as typeof fetch;
    await expect(fetchImageFile('https://example.org/wiki/File:Owl.jpg', undefined, page)).rejects.toThrow('https://example.org/wiki/File:Owl.jpg is a web page, not an image');
    // A real refused connection (what a site that refuses other pages looks like to the page: a TypeError).
    await expect(fetchImageFile('http://127.0.0.1:1/cat.jpg')).rejects.toThrow(/^could not load http:\/\/127\.0\.0\.1:1\/cat\.jpg: its site does not let other pages fetch its images, or it cannot be reached\. Save the image/);
    await expect(fetchImageFile(`data:image/png;base64,${'A'.repeat(400)}`, undefined, (async () => Promise.reject(new TypeError('x'))) as unknown as typeof fetch)).rejects.toThrow(/^could not load the dropped image data/);
  });
});
