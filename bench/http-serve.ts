// `lens` from the sources, for the HTTP benchmark: `node --import tsx bench/http-serve.ts --db URL serve …`.
// Server processes of `--workers` run this file again (Node cluster), so it must be a file.
import { main } from '../src/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
