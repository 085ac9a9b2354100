import { InvalidArgumentError, Option } from 'commander';
import type { Command } from 'commander';
import type { CountryStatus } from '../../core/escalation/engine.js';
import type { ReviewState } from '../../core/escalation/rules.js';
import { REVIEW_STATES } from '../../core/escalation/rules.js';
import { CATEGORIES } from '../../core/escalation/taxonomy.js';
import { InputError } from '../../core/errors.js';
import {
  acknowledge,
  alerts,
  deliverWebhooks,
  resolve,
  subscribe,
  subscriptions,
  unsubscribe,
} from '../../services/alerts.js';
import type { Alert } from '../../services/alerts.js';
import { loadCountryRegistry } from '../../services/countries.js';
import { withStore } from '../../services/context.js';
import { findCountry } from '../../services/data.js';
import {
  EscalationMonitor,
  STEPS,
  countriesIn,
  loadRules,
  parseDate,
} from '../../services/escalation.js';
import type { Step, TierPort } from '../../services/escalation.js';
import { structuralTiers } from '../../services/escalation-tiers.js';
import { elections, importElections } from '../../services/elections.js';
import { importEvents } from '../../services/events.js';
import type { EventImportReport } from '../../services/events.js';
import { SYSTEM } from '../../services/identity.js';
import {
  exportReports,
  reports,
  reviewReport,
  submitReport,
  withoutReporter,
} from '../../services/reports.js';
import type { FieldReport } from '../../services/reports.js';
import { EVENT_KINDS } from '../../sources/events/index.js';
import type { EventKind } from '../../sources/events/index.js';
import { listEvents } from '../../store/events-repository.js';
import { listAttempts, listDeliveries } from '../../store/alerts-repository.js';
import type { Store } from '../../store/database.js';
import { formatOption, wholeNumber } from '../options.js';
import { print, render } from '../output.js';
import type { Format } from '../output.js';
import { ProgressBar } from '../progress.js';

type Db = () => string | undefined;

function out(text: string): void {
  print(text);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function num(name: string) {
  return (v: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n))
      throw new InvalidArgumentError(`${name} must be a number`);
    return n;
  };
}

const today = () => new Date().toISOString().slice(0, 10);

/** A `--from` date: `YYYY-MM-DD`, or a year meaning its first day. */
function parseFrom(text: string): string {
  const t = text.trim();
  return /^\d{4}$/.test(t) ? `${t}-01-01` : parseDate(t, '--from');
}
const who = () => process.env.LENS_USER ?? process.env.USER ?? 'unknown';

/** A monitor with names from the registry and, unless `tiers` is false, structural tiers. */
async function openMonitor(
  store: Store,
  opts: { rules?: string; tiers?: boolean },
  tierDates: { asOf?: string; years?: number[] },
): Promise<EscalationMonitor> {
  const registry = loadCountryRegistry();
  let tiers: TierPort | undefined;
  if (opts.tiers !== false) tiers = await structuralTiers(store, registry.all(), tierDates);
  return EscalationMonitor.open(store, {
    rules: await loadRules(opts.rules),
    tiers,
    names: (id) => registry.byId(id)?.name ?? id,
  });
}

function printAlerts(
  format: Format,
  list: readonly Alert[],
  data: unknown = { alerts: list },
): void {
  out(
    render(format, data, list, [
      { header: 'id', value: (a) => a.id, right: true },
      { header: 'kind', value: (a) => a.kind },
      { header: 'country', value: (a) => a.countryId },
      { header: 'stage', value: (a) => a.stage },
      { header: 'as of', value: (a) => a.asOf },
      { header: 'seen', value: (a) => a.occurrences, right: true },
      { header: 'ack', value: (a) => (a.acknowledgedAt ? a.acknowledgedBy : '') },
      { header: 'resolved', value: (a) => (a.resolvedAt ? a.resolvedBy : '') },
      { header: 'tlp', value: (a) => a.sharing },
      { header: 'title', value: (a) => a.title },
    ]),
  );
}

function printStatuses(
  format: Format,
  asOf: string,
  rules: string,
  statuses: readonly CountryStatus[],
  all: boolean,
): void {
  const registry = loadCountryRegistry();
  const shown = all ? statuses : statuses.filter((s) => s.stage !== 'none' || s.imminent);
  if (format === 'table')
    out(
      `Escalation status as of ${asOf} (${rules}): ${shown.length} of ${statuses.length} countries shown${all ? '' : ' (stage above none; --all for every country)'}`,
    );
  out(
    render(format, { asOf, rules, statuses: shown }, shown, [
      { header: 'country', value: (s) => s.countryId },
      { header: 'name', value: (s) => registry.byId(s.countryId)?.name ?? '' },
      { header: 'stage', value: (s) => s.stage },
      { header: 'imminent', value: (s) => (s.imminent ? 'IMMINENT' : '') },
      { header: 'tier', value: (s) => s.tier },
      { header: 'red flags', value: (s) => s.redFlags.join(' ') },
      { header: 'indicators', value: (s) => s.indicators.map((i) => i.id).join(' ') },
      {
        header: 'instability',
        value: (s) =>
          s.instability.level === 'none' ? '' : `${s.instability.level} (${s.instability.events})`,
      },
      { header: 'tlp', value: (s) => s.sharing },
    ]),
  );
}

function printReports(format: Format, given: readonly FieldReport[]): void {
  // CSV and JSON leave the machine: never with the identity of the reporter.
  const list = format === 'table' ? given : given.map(withoutReporter);
  out(
    render(format, { reports: list }, list, [
      { header: 'id', value: (r) => r.event.sourceId },
      { header: 'state', value: (r) => r.state },
      { header: 'country', value: (r) => r.event.countryId },
      { header: 'date', value: (r) => r.event.date.start },
      { header: 'category', value: (r) => r.event.category },
      { header: 'place', value: (r) => r.event.place.name ?? r.event.place.admin1 ?? '' },
      { header: 'deaths', value: (r) => r.event.deaths?.best, right: true },
      { header: 'tlp', value: (r) => r.event.sharing },
      { header: 'by', value: (r) => r.submittedBy },
      { header: 'duplicate of', value: (r) => r.duplicateOf },
    ]),
  );
}

/** The table of event imports (`lens events import`, `lens sync`); `data` is what json prints. */
export function printEventImports(
  format: Format,
  data: unknown,
  reports: readonly EventImportReport[],
): void {
  const count = (r: EventImportReport, nonCountry: boolean) =>
    r.unmatched.filter((u) => u.nonCountry === nonCountry).reduce((s, u) => s + u.rows, 0);
  out(
    render(format, data, reports, [
      { header: 'kind', value: (x) => x.kind },
      { header: 'file', value: (x) => x.file.split('/').pop() },
      { header: 'status', value: (x) => x.status },
      { header: 'rows', value: (x) => x.rows, right: true },
      { header: 'stored', value: (x) => x.stored, right: true },
      { header: 'new', value: (x) => x.newEvents, right: true },
      { header: 'skipped', value: (x) => x.skipped, right: true },
      { header: 'unmatched', value: (x) => count(x, false), right: true },
      { header: 'non-country', value: (x) => count(x, true), right: true },
      { header: 'countries', value: (x) => x.countryIds.length, right: true },
    ]),
  );
}

/**
 * `lens events …`, `lens report …`, `lens alerts …` and `lens escalation …`: the escalation
 * monitor. `db()` gives the `--db` flag of the root command.
 */
export function registerEscalationCommands(program: Command, db: Db): void {
  const events = program.command('events').description('event data: UCDP GED, ACLED, GDELT');
  events
    .command('import')
    .description(
      'import one event file (all or nothing; re-running after a crash stores each event once) and refresh the countries it touches',
    )
    .argument('<kind>', `the format: ${EVENT_KINDS.join(', ')}`)
    .argument('<file>', 'the file')
    .option('--as-of <date>', 'refresh statuses as of this date (default today)')
    .option('--no-refresh', 'do not recompute statuses or raise alerts')
    .option('--no-tiers', 'do not read structural tiers (no "imminent")')
    .option('--rules <ref>', 'escalation rules (ID or ID@VERSION)')
    .addOption(formatOption())
    .action(
      async (
        kind: string,
        file: string,
        opts: { asOf?: string; refresh: boolean; tiers: boolean; rules?: string; format: Format },
      ) => {
        if (!EVENT_KINDS.includes(kind as EventKind))
          throw new InputError(`unknown event kind "${kind}"`, {
            expected: `one of ${EVENT_KINDS.join(', ')}`,
          });
        const asOf = opts.asOf ? parseDate(opts.asOf, '--as-of') : today();
        const registry = loadCountryRegistry();
        const result = await withStore(db(), async (store) => {
          const bar = new ProgressBar(kind);
          let report;
          try {
            report = await importEvents(store, registry, {
              kind: kind as EventKind,
              path: file,
              onProgress: (d, t) => bar.update(d, t),
            });
          } finally {
            bar.done();
          }
          const raised: Alert[] = [];
          if (opts.refresh && report.countryIds.length > 0) {
            const monitor = await openMonitor(store, opts, { asOf });
            for (const r of await monitor.refreshMany(report.countryIds, asOf))
              raised.push(...r.alerts);
          }
          return { report, alerts: raised };
        });
        const r = result.report;
        printEventImports(opts.format, result, [r]);
        if (opts.format !== 'table') return;
        for (const u of r.unmatched.filter((x) => !x.nonCountry)) {
          out(
            `  unmatched: "${u.label}" (${u.keys}) ${u.rows} rows, first on line ${u.firstLine}: ${u.reason}`,
          );
        }
        if (result.alerts.length) {
          out(`\n${result.alerts.length} new alert(s):`);
          printAlerts('table', result.alerts);
        }
      },
    );
  events
    .command('list')
    .description('the events stored for a country')
    .requiredOption('--country <country>', 'a name or code')
    .option('--from <date>', 'first date (YYYY-MM-DD or a year)')
    .option('--to <date>', 'last date (YYYY-MM-DD or a year)')
    .option('--limit <n>', 'at most this many (the latest)', wholeNumber('--limit'), 100)
    .addOption(formatOption())
    .action(
      async (opts: {
        country: string;
        from?: string;
        to?: string;
        limit: number;
        format: Format;
      }) => {
        const country = findCountry(loadCountryRegistry(), opts.country);
        const from = opts.from ? parseFrom(opts.from) : undefined;
        const to = opts.to ? parseDate(opts.to, '--to') : undefined;
        const list = await withStore(db(), (store) =>
          listEvents(store.db, SYSTEM, { countryId: country.id, from, to }),
        );
        const shown = list.slice(-opts.limit);
        out(
          render(opts.format, { country: country.id, events: shown }, shown, [
            { header: 'key', value: (e) => e.key },
            {
              header: 'date',
              value: (e) =>
                e.date.start === e.date.end ? e.date.start : `${e.date.start}..${e.date.end}`,
            },
            { header: 'category', value: (e) => e.category },
            { header: 'civ', value: (e) => (e.civilianTargeted ? 'yes' : '') },
            { header: 'deaths', value: (e) => e.deaths?.best, right: true },
            {
              header: 'actors',
              value: (e) => e.actors.map((a) => `${a.name} (${a.type})`).join(' / '),
            },
            { header: 'place', value: (e) => e.place.name ?? e.place.admin1 ?? '' },
            { header: 'tlp', value: (e) => e.sharing },
          ]),
        );
      },
    );

  const report = program.command('report').description('field reports: submit, list, review');
  report
    .command('add')
    .description(
      'submit a field report (checked, compared with stored events for duplicates, and counted at once)',
    )
    .requiredOption('--country <country>', 'a name, code or registry id')
    .requiredOption('--date <date>', 'YYYY-MM-DD')
    .requiredOption('--category <code>', 'a category of the taxonomy (`lens escalation taxonomy`)')
    .option('--end-date <date>', 'last day, when it went on for several days')
    .option('--place <name>', 'place name')
    .option('--admin1 <name>', 'province or region')
    .option('--admin2 <name>', 'district')
    .option('--lat <degrees>', 'latitude', num('--lat'))
    .option('--lon <degrees>', 'longitude', num('--lon'))
    .option(
      '--precision <p>',
      'place precision: exact, near, admin2, admin1, region, country, unknown',
    )
    .option('--perpetrator <name:type>', 'who did it, NAME:TYPE (repeatable)', collect, [])
    .option('--target <name:type>', 'who it was done to, NAME:TYPE (repeatable)', collect, [])
    .option('--target-group <group>', 'the communal group targeted')
    .option('--civilians', 'civilians were deliberately targeted')
    .option('--deaths <n>', 'deaths, best estimate', wholeNumber('--deaths'))
    .option('--deaths-low <n>', 'deaths, low estimate', wholeNumber('--deaths-low'))
    .option('--deaths-high <n>', 'deaths, high estimate', wholeNumber('--deaths-high'))
    .option(
      '--accountability <a>',
      'arrests, prosecutions, none-known (default: the reporter knows of none) or unknown',
    )
    .option(
      '--relates-to <key>',
      'the event this report is about (source:id), e.g. arrests for an earlier massacre',
    )
    .option('--source <name>', 'a source of the information (repeatable)', collect, [])
    .option('--reliability <r>', 'high, medium, low (default) or unknown')
    .option('--sharing <tlp>', 'CLEAR, GREEN, AMBER (default), AMBER+STRICT or RED')
    .option('--notes <text>', 'the account')
    .option('--by <name>', 'who submits it (default $LENS_USER or $USER)')
    .option(
      '--org <id>',
      'the organisation that owns it (default none: only you see it above GREEN)',
    )
    .addOption(formatOption())
    .action(
      async (
        o: Record<string, string | string[] | number | boolean | undefined> & { format: Format },
      ) => {
        const registry = loadCountryRegistry();
        const deaths =
          o.deaths === undefined
            ? undefined
            : {
                best: o.deaths as number,
                low: o.deathsLow as number | undefined,
                high: o.deathsHigh as number | undefined,
              };
        const result = await withStore(db(), async (store) => {
          const monitor = await openMonitor(store, {}, { asOf: today() });
          return submitReport(store, SYSTEM, registry, monitor, {
            country: o.country as string,
            date: o.date as string,
            endDate: o.endDate as string | undefined,
            category: o.category as string,
            place: {
              name: o.place as string | undefined,
              admin1: o.admin1 as string | undefined,
              admin2: o.admin2 as string | undefined,
              latitude: o.lat as number | undefined,
              longitude: o.lon as number | undefined,
              precision: o.precision as string | undefined,
            },
            perpetrators: o.perpetrator as string[],
            targets: o.target as string[],
            targetGroup: o.targetGroup as string | undefined,
            civilianTargeted: o.civilians === true ? true : undefined,
            deaths,
            accountability: o.accountability as string | undefined,
            relatesTo: o.relatesTo as string | undefined,
            sources: o.source as string[],
            reliability: o.reliability as string | undefined,
            sharing: o.sharing as string | undefined,
            notes: o.notes as string | undefined,
            reportedBy: (o.by as string | undefined) ?? who(),
            organisation: o.org as string | undefined,
          });
        });
        if (o.format === 'json') {
          out(JSON.stringify({ ...result, report: withoutReporter(result.report) }, null, 2));
          return;
        }
        printReports(o.format, [result.report]);
        if (o.format !== 'table') return;
        for (const d of result.duplicates)
          out(
            `  likely duplicate of ${d.key}: ${d.days} day(s) apart, same ${d.place}, actors ${d.actors.join(', ')}`,
          );
        const s = result.refresh.status;
        out(
          `${s.countryId} now at stage ${s.stage}${s.imminent ? ' (IMMINENT)' : ''}; red flags: ${s.redFlags.join(', ') || 'none'}`,
        );
        if (result.refresh.alerts.length) printAlerts('table', result.refresh.alerts);
      },
    );
  report
    .command('list')
    .description('field reports, newest first')
    .addOption(new Option('--state <state>', 'only in this review state').choices(REVIEW_STATES))
    .option('--country <country>', 'only about this country')
    .addOption(formatOption())
    .action(async (opts: { state?: ReviewState; country?: string; format: Format }) => {
      const countryId = opts.country
        ? findCountry(loadCountryRegistry(), opts.country).id
        : undefined;
      // CSV and JSON leave the machine: they follow the export rule (no RED reports, no
      // reporter identity).
      const list = await withStore(db(), (store) =>
        (opts.format === 'table' ? reports : exportReports)(store, SYSTEM, {
          state: opts.state,
          countryId,
        }),
      );
      printReports(opts.format, list);
    });
  report
    .command('review')
    .description(
      "set a report's review state: verified, rejected, duplicate (--of EVENT) or submitted",
    )
    .argument('<id>', 'the report id (from `lens report list`)')
    .argument('<state>', REVIEW_STATES.join(', '))
    .option('--of <key>', 'for duplicate: the event it repeats (source:id)')
    .option('--note <text>', 'why')
    .option('--by <name>', 'reviewer (default $LENS_USER or $USER)')
    .addOption(formatOption())
    .action(
      async (
        id: string,
        state: string,
        opts: { of?: string; note?: string; by?: string; format: Format },
      ) => {
        const result = await withStore(db(), async (store) => {
          const monitor = await openMonitor(store, {}, { asOf: today() });
          return reviewReport(store, SYSTEM, monitor, id, {
            state,
            by: opts.by ?? who(),
            note: opts.note,
            duplicateOf: opts.of,
          });
        });
        printReports(opts.format, [result.report]);
        if (opts.format === 'table' && result.refresh.alerts.length)
          printAlerts('table', result.refresh.alerts);
      },
    );

  const electionsCmd = program
    .command('elections')
    .description('the elections calendar analysts maintain (CSV: country,date,type,source)');
  electionsCmd
    .command('import')
    .description(
      'import a calendar file: all or nothing, every bad row refused with its line and reason; a known election (country, date, type) is replaced',
    )
    .argument('<file>', 'a CSV file with the columns country, date, type, source')
    .addOption(formatOption())
    .action(async (file: string, opts: { format: Format }) => {
      const registry = loadCountryRegistry();
      const r = await withStore(db(), (store) => importElections(store, SYSTEM, registry, file));
      out(
        opts.format === 'json'
          ? JSON.stringify(r, null, 2)
          : render(
              opts.format,
              [r],
              [r],
              [
                { header: 'file', value: (x) => x.file },
                { header: 'rows', value: (x) => x.rows, right: true },
                { header: 'added', value: (x) => x.added, right: true },
                { header: 'replaced', value: (x) => x.replaced, right: true },
              ],
            ),
      );
    });
  electionsCmd
    .command('list', { isDefault: true })
    .description('elections by date')
    .option('--country <country>', 'only this country')
    .option('--from <date>', 'first date (YYYY-MM-DD or a year)')
    .option('--to <date>', 'last date (YYYY-MM-DD or a year)')
    .addOption(formatOption())
    .action(async (opts: { country?: string; from?: string; to?: string; format: Format }) => {
      const registry = loadCountryRegistry();
      const countryId = opts.country ? findCountry(registry, opts.country).id : undefined;
      const from = opts.from ? parseFrom(opts.from) : undefined;
      const to = opts.to ? parseDate(opts.to, '--to') : undefined;
      const list = await withStore(db(), (store) => elections(store, { countryId, from, to }));
      out(
        render(opts.format, { elections: list }, list, [
          { header: 'date', value: (e) => e.date },
          { header: 'country', value: (e) => e.countryId },
          { header: 'name', value: (e) => registry.byId(e.countryId)?.name ?? e.countryId },
          { header: 'type', value: (e) => e.type },
          { header: 'source', value: (e) => e.source },
        ]),
      );
    });

  const alertsCmd = program
    .command('alerts')
    .description('alerts raised by the escalation monitor, and their delivery to webhooks');
  alertsCmd
    .command('list', { isDefault: true })
    .description('open alerts, newest first (--all: resolved ones too)')
    .option('--all', 'resolved alerts too')
    .option('--unacknowledged', 'only open alerts nobody acknowledged')
    .option('--country <country>', 'only this country')
    .option('--limit <n>', 'at most this many', wholeNumber('--limit'))
    .addOption(formatOption())
    .action(
      async (opts: {
        all?: boolean;
        unacknowledged?: boolean;
        country?: string;
        limit?: number;
        format: Format;
      }) => {
        const countryId = opts.country
          ? findCountry(loadCountryRegistry(), opts.country).id
          : undefined;
        const filter = opts.all ? 'all' : opts.unacknowledged ? 'unacknowledged' : 'open';
        printAlerts(
          opts.format,
          await withStore(db(), (store) =>
            alerts(store, SYSTEM, { filter, countryId, limit: opts.limit }),
          ),
        );
      },
    );
  alertsCmd
    .command('ack')
    .description('acknowledge an alert (it stays open)')
    .argument('<id>', 'alert id', wholeNumber('<id>'))
    .option('--by <name>', 'who (default $LENS_USER or $USER)')
    .addOption(formatOption())
    .action(async (id: number, opts: { by?: string; format: Format }) => {
      printAlerts(opts.format, [
        await withStore(db(), (store) => acknowledge(store, SYSTEM, id, opts.by ?? who())),
      ]);
    });
  alertsCmd
    .command('resolve')
    .description('resolve an alert (the same condition later raises a new one)')
    .argument('<id>', 'alert id', wholeNumber('<id>'))
    .option('--by <name>', 'who (default $LENS_USER or $USER)')
    .addOption(formatOption())
    .action(async (id: number, opts: { by?: string; format: Format }) => {
      printAlerts(opts.format, [
        await withStore(db(), (store) => resolve(store, SYSTEM, id, opts.by ?? who())),
      ]);
    });
  alertsCmd
    .command('subscribe')
    .description(
      'send new alerts to a URL as signed webhooks (HMAC-SHA256; see docs/escalation.md)',
    )
    .argument('<url>', 'http(s) address that receives POSTs')
    .option('--secret <secret>', 'shared secret (default: generated and printed once)')
    .option('--kinds <kinds...>', 'only these kinds: stage-rise, red-flag, imminent')
    .option('--countries <countries...>', 'only these countries (names or codes)')
    .option('--max-sharing <tlp>', 'highest TLP level it may receive (default GREEN)')
    .addOption(formatOption())
    .action(
      async (
        url: string,
        opts: {
          secret?: string;
          kinds?: string[];
          countries?: string[];
          maxSharing?: string;
          format: Format;
        },
      ) => {
        const registry = loadCountryRegistry();
        const countryIds = opts.countries?.map((c) => findCountry(registry, c).id);
        const sub = await withStore(db(), (store) =>
          subscribe(store, {
            url,
            secret: opts.secret,
            kinds: opts.kinds,
            countryIds,
            maxSharing: opts.maxSharing,
          }),
        );
        out(
          render(
            opts.format,
            sub,
            [sub],
            [
              { header: 'id', value: (s) => s.id, right: true },
              { header: 'url', value: (s) => s.url },
              { header: 'kinds', value: (s) => s.kinds?.join(' ') ?? 'all' },
              { header: 'countries', value: (s) => s.countryIds?.join(' ') ?? 'all' },
              { header: 'max tlp', value: (s) => s.maxSharing },
              { header: 'secret', value: (s) => s.secret },
            ],
          ),
        );
      },
    );
  alertsCmd
    .command('unsubscribe')
    .description('stop sending to a subscriber')
    .argument('<id>', 'subscription id', wholeNumber('<id>'))
    .action(async (id: number) => {
      await withStore(db(), (store) => unsubscribe(store, id));
      out(`subscription ${id} stopped`);
    });
  alertsCmd
    .command('subscriptions')
    .description('webhook subscribers')
    .option('--all', 'stopped ones too')
    .addOption(formatOption())
    .action(async (opts: { all?: boolean; format: Format }) => {
      const list = await withStore(db(), (store) => subscriptions(store, opts.all));
      const safe = list.map(({ secret: _secret, ...s }) => s);
      out(
        render(opts.format, { subscriptions: safe }, safe, [
          { header: 'id', value: (s) => s.id, right: true },
          { header: 'url', value: (s) => s.url },
          { header: 'kinds', value: (s) => s.kinds?.join(' ') ?? 'all' },
          { header: 'countries', value: (s) => s.countryIds?.join(' ') ?? 'all' },
          { header: 'max tlp', value: (s) => s.maxSharing },
          { header: 'active', value: (s) => (s.active ? 'yes' : 'no') },
        ]),
      );
    });
  alertsCmd
    .command('deliver')
    .description('send pending webhook deliveries now, retrying with backoff')
    .option('--max-attempts <n>', 'attempts before giving up', wholeNumber('--max-attempts'), 5)
    .option(
      '--base-delay <ms>',
      'wait before the second attempt, doubled after each',
      wholeNumber('--base-delay'),
      1000,
    )
    .addOption(formatOption())
    .action(async (opts: { maxAttempts: number; baseDelay: number; format: Format }) => {
      const r = await withStore(db(), (store) =>
        deliverWebhooks(store, { maxAttempts: opts.maxAttempts, baseDelayMs: opts.baseDelay }),
      );
      out(
        render(
          opts.format,
          r,
          [r],
          [
            { header: 'attempts', value: (x) => x.attempted, right: true },
            { header: 'delivered', value: (x) => x.delivered, right: true },
            { header: 'failed', value: (x) => x.failed, right: true },
            { header: 'withheld', value: (x) => x.withheld, right: true },
          ],
        ),
      );
    });
  alertsCmd
    .command('log')
    .description('the webhook delivery log: every attempt')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const { deliveries, attempts } = await withStore(db(), async (store) => ({
        deliveries: await listDeliveries(store.db),
        attempts: await listAttempts(store.db),
      }));
      const byId = new Map(deliveries.map((d) => [d.id, d]));
      out(
        render(opts.format, { deliveries, attempts }, attempts, [
          { header: 'delivery', value: (a) => a.deliveryId, right: true },
          { header: 'alert', value: (a) => byId.get(a.deliveryId)?.alertId, right: true },
          {
            header: 'subscriber',
            value: (a) => byId.get(a.deliveryId)?.subscriptionId,
            right: true,
          },
          { header: 'attempt', value: (a) => a.attempt, right: true },
          { header: 'at', value: (a) => a.attemptedAt },
          { header: 'status', value: (a) => a.statusCode },
          { header: 'error', value: (a) => a.error },
          { header: 'ms', value: (a) => a.durationMs, right: true },
          { header: 'delivery state', value: (a) => byId.get(a.deliveryId)?.status },
        ]),
      );
    });

  const esc = program
    .command('escalation')
    .description('the path of escalation: crisis, mobilisation, violence');
  const rulesOption = () =>
    new Option('--rules <ref>', 'escalation rules (ID or ID@VERSION; default the newest)');
  esc
    .command('status')
    .description(
      "every country's stage, red flags and whether atrocities are imminent, as of a date",
    )
    .option('--as-of <date>', 'YYYY-MM-DD or a year (default today)')
    .option('--all', 'list countries at stage none too')
    .option('--no-tiers', 'do not read structural tiers (no "imminent")')
    .addOption(rulesOption())
    .addOption(formatOption())
    .action(
      async (opts: {
        asOf?: string;
        all?: boolean;
        tiers: boolean;
        rules?: string;
        format: Format;
      }) => {
        const asOf = opts.asOf ? parseDate(opts.asOf, '--as-of') : today();
        const registry = loadCountryRegistry();
        const { statuses, rules } = await withStore(db(), async (store) => {
          const monitor = await openMonitor(store, opts, { asOf });
          return {
            statuses: await monitor.statusAsOf(countriesIn(registry.all(), asOf), asOf, SYSTEM),
            rules: monitor.rulesRef,
          };
        });
        printStatuses(opts.format, asOf, rules, statuses, opts.all === true);
      },
    );
  esc
    .command('timeline')
    .description(
      "a country's stage over time, with what fired (by default only the checkpoints where something changed)",
    )
    .requiredOption('--country <country>', 'a name or code')
    .option('--from <date>', 'first checkpoint (default three years before --to)')
    .option('--to <date>', 'last checkpoint (default today)')
    .addOption(new Option('--step <step>', 'checkpoint spacing').choices(STEPS).default('month'))
    .option('--every', 'every checkpoint, not only changes')
    .option('--no-tiers', 'do not read structural tiers (no "imminent")')
    .addOption(rulesOption())
    .addOption(formatOption())
    .action(
      async (opts: {
        country: string;
        from?: string;
        to?: string;
        step: Step;
        every?: boolean;
        tiers: boolean;
        rules?: string;
        format: Format;
      }) => {
        const registry = loadCountryRegistry();
        const country = findCountry(registry, opts.country);
        const to = opts.to ? parseDate(opts.to, '--to') : today();
        const from = opts.from
          ? parseFrom(opts.from)
          : `${Number(to.slice(0, 4)) - 3}${to.slice(4)}`;
        if (from > to) throw new InputError(`--from ${from} is after --to ${to}`);
        const years = Array.from(
          { length: Number(to.slice(0, 4)) - Number(from.slice(0, 4)) + 1 },
          (_, i) => Number(from.slice(0, 4)) + i,
        );
        const entries = await withStore(db(), async (store) => {
          const monitor = await openMonitor(store, opts, { years });
          return monitor.timeline(country.id, from, to, opts.step, SYSTEM);
        });
        const key = (e: (typeof entries)[number]) =>
          `${e.stage}|${e.imminent}|${e.redFlags.join()}|${e.indicators.join()}`;
        const shown = opts.every
          ? entries
          : entries.filter((e, i) => i === 0 || key(e) !== key(entries[i - 1]!));
        if (opts.format === 'table')
          out(
            `${country.name} (${country.id}), ${from} to ${to}, every ${opts.step}${opts.every ? '' : ': changes only'}`,
          );
        out(
          render(
            opts.format,
            {
              country: { id: country.id, name: country.name },
              from,
              to,
              step: opts.step,
              timeline: shown,
            },
            shown,
            [
              { header: 'date', value: (e) => e.date },
              { header: 'stage', value: (e) => e.stage },
              { header: 'imminent', value: (e) => (e.imminent ? 'IMMINENT' : '') },
              { header: 'tier', value: (e) => e.tier },
              { header: 'red flags', value: (e) => e.redFlags.join(' ') },
              { header: 'indicators', value: (e) => e.indicators.join(' ') },
              { header: 'events', value: (e) => e.events, right: true },
              { header: 'tlp', value: (e) => e.sharing },
            ],
          ),
        );
      },
    );
  esc
    .command('backtest')
    .description(
      'replay markers and events through the rules against the mass-killing onsets: how many each stage preceded, how long before, and how often it fired with no onset following',
    )
    .addOption(new Option('--step <step>', 'checkpoint spacing').choices(STEPS).default('quarter'))
    .option(
      '--lookback <years>',
      'years before an onset in which a stage counts as preceding it',
      wholeNumber('--lookback'),
      5,
    )
    .option(
      '--horizon <years>',
      'years after a stage is entered in which an onset counts as following it',
      wholeNumber('--horizon'),
      2,
    )
    .option('--onsets', 'list every onset with what preceded it')
    .addOption(rulesOption())
    .addOption(formatOption())
    .action(
      async (opts: {
        step: Step;
        lookback: number;
        horizon: number;
        onsets?: boolean;
        rules?: string;
        format: Format;
      }) => {
        const result = await withStore(db(), async (store) => {
          const monitor = await openMonitor(store, { ...opts, tiers: false }, {});
          return monitor.backtest({
            step: opts.step,
            lookbackYears: opts.lookback,
            horizonYears: opts.horizon,
          });
        });
        const pct = (v: number | null) => (v === null ? '' : `${(v * 100).toFixed(0)}%`);
        if (opts.format === 'table') {
          out(
            `Backtest over ${result.coverage.from} to ${result.coverage.to}, every ${opts.step}: ${result.covered} of ${result.onsets} onsets covered; ` +
              `lookback ${result.lookbackYears} years, horizon ${result.horizonYears} years; episodes known to ${result.outcomesUntil}`,
          );
        }
        if (opts.onsets && opts.format !== 'json') {
          out(
            render(
              opts.format,
              result,
              result.findings.filter((f) => f.covered),
              [
                { header: 'onset', value: (f) => f.year, right: true },
                { header: 'country', value: (f) => f.countryId },
                { header: 'episode', value: (f) => f.name },
                { header: 'highest stage', value: (f) => f.highestStage },
                {
                  header: 'crisis (months)',
                  value: (f) => f.firstAt.crisis?.leadMonths,
                  right: true,
                },
                {
                  header: 'mobilisation',
                  value: (f) => f.firstAt.mobilisation?.leadMonths,
                  right: true,
                },
                { header: 'violence', value: (f) => f.firstAt.violence?.leadMonths, right: true },
              ],
            ),
          );
          return;
        }
        out(
          render(opts.format, result, result.stages, [
            { header: 'stage', value: (s) => s.stage },
            { header: 'onsets', value: (s) => s.onsets, right: true },
            { header: 'preceded', value: (s) => s.preceded, right: true },
            { header: 'share', value: (s) => pct(s.share), right: true },
            { header: 'lead min', value: (s) => s.leadMonths?.min, right: true },
            { header: 'lead median (months)', value: (s) => s.leadMonths?.median, right: true },
            { header: 'lead max', value: (s) => s.leadMonths?.max, right: true },
            { header: 'entries', value: (s) => s.entries, right: true },
            { header: 'during episode', value: (s) => s.duringEpisode, right: true },
            { header: 'onset followed', value: (s) => s.followed, right: true },
            { header: 'no onset', value: (s) => s.withoutOnset, right: true },
            { header: 'too recent', value: (s) => s.unjudged, right: true },
            { header: 'false alarms', value: (s) => pct(s.falseAlarmShare), right: true },
          ]),
        );
      },
    );
  esc
    .command('rules')
    .description('the indicators of the escalation rules, with windows and thresholds')
    .addOption(rulesOption())
    .addOption(formatOption())
    .action(async (opts: { rules?: string; format: Format }) => {
      const rules = await loadRules(opts.rules);
      out(
        render(opts.format, rules, rules.indicators, [
          { header: 'id', value: (i) => i.id },
          { header: 'stage', value: (i) => i.stage },
          { header: 'red flag', value: (i) => (i.redFlag ? 'yes' : '') },
          { header: 'kind', value: (i) => i.kind },
          { header: 'window (days)', value: (i) => i.windowDays, right: true },
          {
            header: 'threshold',
            value: (i) =>
              i.kind === 'count'
                ? `${i.minEvents} events${i.minDeaths ? `, ${i.minDeaths} deaths` : ''}`
                : i.kind === 'acceleration'
                  ? `${i.minEvents} events at ${i.ratio}x the ${i.baselineDays}-day rate`
                  : `${i.minEvents} unpunished after ${i.graceDays} days${i.perGroup ? ', same group' : ''}${i.escalating ? ', escalating' : ''}`,
          },
          { header: 'categories', value: (i) => i.match.categories.join(' ') },
          { header: 'amplified', value: (i) => (i.amplified ? 'yes' : '') },
        ]),
      );
    });
  esc
    .command('taxonomy')
    .description('the event categories')
    .addOption(formatOption())
    .action((opts: { format: Format }) => {
      out(
        render(opts.format, { categories: CATEGORIES }, CATEGORIES, [
          { header: 'code', value: (c) => c.code },
          { header: 'family', value: (c) => c.family },
          { header: 'label', value: (c) => c.label },
          { header: 'description', value: (c) => c.description },
        ]),
      );
    });
}
