// Writes docs/openapi.json, the checked-in OpenAPI document of the HTTP API (`npm run openapi`).
// A test fails when the routes' schemas and this file drift apart.
import { writeFileSync } from 'node:fs';
import { format } from 'prettier';
import { openApiDocument } from '../src/http/openapi.js';

const file = new URL('../docs/openapi.json', import.meta.url);
const text = await format(JSON.stringify(await openApiDocument()), { parser: 'json' });
writeFileSync(file, text);
console.log(`wrote ${file.pathname}`);
