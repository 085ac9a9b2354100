import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * A folder of `content/` of the installed package (`contentDir('models')`): found by walking
 * up from this module to the folder holding `package.json`, so it works from `src/` under
 * tsx and from `dist/` once built.
 */
export function contentDir(...parts: string[]): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'content', ...parts);
    const parent = dirname(dir);
    if (parent === dir) {
      throw new Error(
        `package root (a folder with package.json) not found above ${fileURLToPath(import.meta.url)}`,
      );
    }
    dir = parent;
  }
}
