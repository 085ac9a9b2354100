// Child process of the crash test in events.test.ts: imports one event file and reports
// progress on stdout ("progress DONE TOTAL") so the parent can kill it mid-import.
// Usage: node --import tsx events-crash-child.ts DB_URL PG_SCHEMA|- KIND FILE
import { loadCountryRegistry } from '../../src/services/countries.js';
import { openStore } from '../../src/services/context.js';
import { importEvents } from '../../src/services/events.js';
import type { EventKind } from '../../src/sources/events/index.js';

const [url, schema, kind, file] = process.argv.slice(2) as [string, string, EventKind, string];
const store = await openStore(url, schema === '-' ? undefined : schema);
let last = 0;
const report = await importEvents(store, loadCountryRegistry(), {
  kind,
  path: file,
  batchSize: 2000,
  onProgress: (done, total) => {
    if (done - last > total / 50 || done === total) {
      last = done;
      process.stdout.write(`progress ${done} ${total}\n`);
    }
  },
});
process.stdout.write(`done ${report.stored}\n`);
await store.close();
