import { createReadStream, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize, sep } from 'node:path';

/**
 * Serves a folder over HTTP on 127.0.0.1 the way ordinary web servers do (an index page per
 * folder, files as bytes), so the download paths are tested against real files without the
 * internet. Requests outside the folder get 404. Returns the base URL and a close function.
 */
export async function serveFolder(
  root: string,
): Promise<{ url: string; close: () => Promise<void>; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(path);
    const full = normalize(join(root, path));
    if (!full.startsWith(normalize(root))) {
      res.writeHead(404).end();
      return;
    }
    let stats;
    try {
      stats = statSync(full);
    } catch {
      res.writeHead(404).end();
      return;
    }
    if (stats.isDirectory()) {
      const links = readdirSync(full, { withFileTypes: true })
        .map((e) => (e.isDirectory() ? `${e.name}/` : e.name))
        .map(
          (n) =>
            `<a href="${encodeURIComponent(n.replace(/\/$/, ''))}${n.endsWith('/') ? '/' : ''}">${n}</a>`,
        );
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(`<html><body><a href="../">../</a>\n${links.join('\n')}</body></html>`);
      return;
    }
    res.writeHead(200, { 'content-length': stats.size });
    createReadStream(full).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Helper for tests: the path separator-free relative name. */
export const posix = (p: string) => p.split(sep).join('/');
