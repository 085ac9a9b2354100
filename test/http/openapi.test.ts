import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { openApiDocument } from '../../src/http/openapi.js';

it('docs/openapi.json is the document the route schemas generate (run `npm run openapi` after changing a route)', async () => {
  const generated = await openApiDocument();
  const checkedIn = JSON.parse(
    readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'),
  ) as Record<string, unknown>;
  assert.deepEqual(checkedIn, JSON.parse(JSON.stringify(generated)));
});

it('describes every route with its answers, errors as problem documents', async () => {
  const doc = (await openApiDocument()) as {
    openapi: string;
    paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
  };
  assert.match(doc.openapi, /^3\./);
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const codes = Object.keys(op.responses);
      assert.ok(
        codes.some((c) => c.startsWith('2')),
        `${method} ${path} has a success answer`,
      );
      assert.ok(codes.includes('400') && codes.includes('500'), `${method} ${path} errors`);
    }
  }
});
