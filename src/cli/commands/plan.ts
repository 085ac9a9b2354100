import { writeFile } from 'node:fs/promises';
import { Option } from 'commander';
import type { Command } from 'commander';
import { TLP_LEVELS } from '../../core/escalation/types.js';
import type { Tlp } from '../../core/escalation/types.js';
import { InputError } from '../../core/errors.js';
import type { NeedsDocument, NeedsEdit, NeedsPart } from '../../core/planning/needs.js';
import { NEEDS_PART_TITLES, NEEDS_PARTS } from '../../core/planning/needs.js';
import { isCommitted } from '../../core/planning/capacity.js';
import { isRegion, REGIONS } from '../../core/planning/regions.js';
import { PLAN_STAGES, SITUATION_KINDS } from '../../core/planning/types.js';
import { capacityMap, exportCapacity, importCapacity } from '../../services/capacity.js';
import { loadCountryRegistry } from '../../services/countries.js';
import type { Store } from '../../services/context.js';
import { withStore } from '../../services/context.js';
import { findCountry } from '../../services/data.js';
import {
  draftNeedsAssessment,
  editNeedsAssessment,
  needsDiff,
  needsHistory,
  needsVersion,
  saveNeedsVersion,
} from '../../services/needs.js';
import { planToMarkdown } from '../../services/plan-brief.js';
import type { ForecastPort } from '../../services/planning.js';
import {
  gapReport,
  latestForecast,
  planCountries,
  setSituation,
  setStage,
  situationJudgements,
  stageJudgements,
  withdrawSituation,
  withdrawStage,
} from '../../services/planning.js';
import { SYSTEM } from '../../services/identity.js';
import { loadLessons, loadToolkit } from '../../services/toolkit.js';
import { formatOption, wholeNumber } from '../options.js';
import { print, render } from '../output.js';
import type { Format } from '../output.js';

type Db = () => string | undefined;

const user = process.env.USER ?? 'analyst';

function tlpOption(fallback: Tlp): Option {
  return new Option('--tlp <level>', 'sharing level (Traffic Light Protocol)')
    .choices(TLP_LEVELS)
    .default(fallback);
}

async function forecastIf(
  store: Store,
  wanted: boolean | undefined,
): Promise<ForecastPort | undefined> {
  return wanted ? latestForecast(store, loadCountryRegistry()) : undefined;
}

function needsText(doc: NeedsDocument, header: string): string {
  const lines = [header, ''];
  for (const part of NEEDS_PARTS) {
    lines.push(`${NEEDS_PART_TITLES[part]} [${part}]`);
    if (doc.parts[part].length === 0) lines.push('  (nothing found)');
    for (const i of doc.parts[part])
      lines.push(`  - ${i.text}  {${i.key}${i.origin === 'analyst' ? ', analyst' : ''}}`);
    lines.push('');
  }
  return lines.join('\n');
}

function partArg(text: string, flag: string): NeedsPart {
  if (!(NEEDS_PARTS as readonly string[]).includes(text))
    throw new InputError(`unknown part "${text}"`, {
      column: flag,
      expected: NEEDS_PARTS.join(', '),
    });
  return text as NeedsPart;
}

/** Parses `PART=TEXT` (add) or `PART:KEY=TEXT` (change) or `PART:KEY` (remove). */
function parseEdits(opts: { add?: string[]; change?: string[]; remove?: string[] }): NeedsEdit[] {
  const edits: NeedsEdit[] = [];
  for (const a of opts.add ?? []) {
    const at = a.indexOf('=');
    if (at < 0)
      throw new InputError(`"${a}" is not PART=TEXT`, { column: '--add', expected: 'PART=TEXT' });
    edits.push({ op: 'add', part: partArg(a.slice(0, at), '--add'), text: a.slice(at + 1).trim() });
  }
  for (const c of opts.change ?? []) {
    const m = /^([a-z-]+):([^=]+)=(.*)$/s.exec(c);
    if (!m)
      throw new InputError(`"${c}" is not PART:KEY=TEXT`, {
        column: '--change',
        expected: 'PART:KEY=TEXT',
      });
    edits.push({ op: 'change', part: partArg(m[1]!, '--change'), key: m[2]!, text: m[3]!.trim() });
  }
  for (const r of opts.remove ?? []) {
    const m = /^([a-z-]+):(.+)$/.exec(r);
    if (!m)
      throw new InputError(`"${r}" is not PART:KEY`, { column: '--remove', expected: 'PART:KEY' });
    edits.push({ op: 'remove', part: partArg(m[1]!, '--remove'), key: m[2]! });
  }
  if (edits.length === 0)
    throw new InputError('nothing to change', { expected: '--add, --change or --remove' });
  return edits;
}

/** `lens plan`, `lens situation`, `lens needs`, `lens capacity`, `lens toolkit`, `lens lessons`. */
export function registerPlanCommands(program: Command, db: Db): void {
  program
    .command('plan')
    .description(
      'a tailored prevention plan: measures ranked by the risks they answer, who can act, the pitfalls that apply',
    )
    .argument('<country>', 'name or code')
    .option('--as-of <date>', 'YYYY-MM-DD or YYYY (default: today)')
    .option('--framework <id>', 'structural framework (default: preconditions-2011)')
    .option('--forecast', 'add the statistical forecast (fits the model: takes seconds)')
    .addOption(formatOption(['table', 'json', 'markdown']))
    .action(
      async (
        query: string,
        opts: { asOf?: string; framework?: string; forecast?: boolean; format: string },
      ) => {
        const registry = loadCountryRegistry();
        const country = findCountry(registry, query);
        const [p] = await withStore(db(), async (store) =>
          planCountries(store, registry, SYSTEM, {
            asOf: opts.asOf,
            framework: opts.framework,
            countryIds: [country.id],
            forecast: await forecastIf(store, opts.forecast),
          }),
        );
        const plan = p!.plan;
        if (opts.format === 'json') return print(JSON.stringify(plan, null, 2));
        if (opts.format === 'markdown') return print(planToMarkdown(plan));
        print(
          `${plan.name} as of ${plan.asOf}: tier ${plan.risk.tier ?? 'not assessed'}, stage ${plan.risk.stage ?? 'unknown'}${plan.risk.imminent ? ', IMMINENT' : ''}; situation ${plan.situation.primary}; mode ${plan.mode} (${plan.modeReason})`,
        );
        print(`lead: ${plan.lead} (${plan.leadReason})`);
        if (plan.judgement)
          print(
            `judgement: ${[
              plan.judgement.situation
                ? `situation ${plan.judgement.situation.situation} by ${plan.judgement.situation.by}`
                : '',
              plan.judgement.stage
                ? `stage ${plan.judgement.stage.stage} by ${plan.judgement.stage.by}`
                : '',
            ]
              .filter(Boolean)
              .join(
                ', ',
              )}; the data alone give lead ${plan.judgement.computed.lead}, mode ${plan.judgement.computed.mode}, top ${plan.judgement.computed.measures.slice(0, 5).join(', ')}`,
          );
        for (const a of plan.actors.dissuade)
          print(`dissuade: ${a.name} (${a.kind}, ${a.confidence})`);
        for (const g of plan.actors.protect) print(`protect: ${g.group} (${g.confidence})`);
        if (plan.capacity.note) print(plan.capacity.note);
        print(
          render('table', plan, plan.measures, [
            { header: '#', value: (m) => plan.measures.indexOf(m) + 1, right: true },
            { header: 'measure', value: (m) => m.id },
            { header: 'agenda', value: (m) => m.agenda },
            { header: 'effect', value: (m) => m.timeToEffect },
            { header: 'score', value: (m) => m.score, right: true },
            {
              header: 'answers',
              value: (m) =>
                [
                  ...m.answers.factors.map((f) => f.id.split(':')[1]),
                  ...m.answers.indicators.map((i) => i.id),
                ].join(', '),
            },
            {
              header: 'who',
              value: (m) =>
                !plan.capacity.map
                  ? '?'
                  : m.gap
                    ? 'GAP'
                    : m.providers.filter((x) => isCommitted(x.commitment)).length,
            },
            {
              header: 'why',
              value: (m) =>
                m.why
                  .filter((w) => w.points !== 0)
                  .map((w) => `${w.part} ${w.points > 0 ? '+' : ''}${w.points}`)
                  .join(' '),
            },
          ]),
        );
        if (plan.deferred.length > 0)
          print(`\ndeferred: ${plan.deferred.map((d) => d.id).join(', ')}`);
        print(plan.pitfalls.length === 0 ? '\npitfalls: none applies' : '\npitfalls:');
        for (const w of plan.pitfalls)
          print(
            `  ${w.id}: ${w.measures.join(', ')}${w.keptOut ? ` (kept out of the plan: ${w.keptOut.join(', ')})` : ''} — ${w.evidence.map((e) => `${e.label} ${e.value ?? ''}${e.year ? ` (${e.year})` : ''}`).join('; ')}`,
          );
        for (const b of plan.coherence.balance) print(`coherence: ${b}`);
        for (const t of plan.coherence.tensions) print(`tension: ${t.a} / ${t.b}: ${t.note}`);
      },
    );

  const situation = program
    .command('situation')
    .description(
      "a country's situation (suppression, communal violence, post-war, armed conflict, structural)",
    );
  situation
    .command('show')
    .description('the situations that hold for countries, with their evidence')
    .option('--country <country>', 'one country (default: every country)')
    .option('--as-of <date>', 'YYYY-MM-DD or YYYY (default: today)')
    .addOption(formatOption())
    .action(async (opts: { country?: string; asOf?: string; format: Format }) => {
      const registry = loadCountryRegistry();
      const ids = opts.country ? [findCountry(registry, opts.country).id] : undefined;
      const plans = await withStore(db(), (store) =>
        planCountries(store, registry, SYSTEM, { asOf: opts.asOf, countryIds: ids }),
      );
      const rows = plans.map((p) => ({
        country: { id: p.facts.countryId, name: p.facts.name },
        asOf: p.facts.asOf,
        ...p.situation,
      }));
      print(
        render(opts.format, { situations: rows }, rows, [
          { header: 'country', value: (r) => r.country.name },
          { header: 'primary', value: (r) => r.primary },
          { header: 'computed', value: (r) => r.computed },
          { header: 'all', value: (r) => r.findings.map((f) => f.kind).join(', ') },
          {
            header: 'evidence',
            value: (r) =>
              r.findings[0]!.evidence.map(
                (e) => `${e.label} ${e.value ?? ''}${e.year ? ` (${e.year})` : ''}`,
              ).join('; '),
          },
        ]),
      );
    });
  situation
    .command('set')
    .description(
      "record an analyst's judgement of a country's situation (replaces the computed primary one)",
    )
    .requiredOption('--country <country>', 'name or code')
    .addOption(
      new Option('--situation <kind>', 'the situation')
        .choices(SITUATION_KINDS)
        .makeOptionMandatory(),
    )
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--source <text>', 'the evidence')
    .option('--by <name>', 'who', user)
    .option('--effective-from <date>', 'plans as of earlier dates ignore it (default: today)')
    .option('--organisation <id>', 'owning organisation')
    .addOption(tlpOption('AMBER'))
    .action(
      async (opts: {
        country: string;
        situation: string;
        reason: string;
        source: string;
        by: string;
        effectiveFrom?: string;
        organisation?: string;
        tlp: Tlp;
      }) => {
        const country = findCountry(loadCountryRegistry(), opts.country);
        const s = await withStore(db(), (store) =>
          setSituation(store, SYSTEM, { ...opts, countryId: country.id }),
        );
        print(
          `situation judgement ${s.id}: ${country.name} = ${s.situation}, by ${s.by} from ${s.effectiveFrom}`,
        );
      },
    );
  situation
    .command('list')
    .description('stored situation judgements')
    .option('--country <country>', 'one country')
    .addOption(formatOption())
    .action(async (opts: { country?: string; format: Format }) => {
      const id = opts.country ? findCountry(loadCountryRegistry(), opts.country).id : undefined;
      const rows = await withStore(db(), (store) => situationJudgements(store, SYSTEM, id));
      print(
        render(opts.format, { judgements: rows }, rows, [
          { header: 'id', value: (r) => r.id, right: true },
          { header: 'country', value: (r) => r.countryId },
          { header: 'situation', value: (r) => r.situation },
          { header: 'by', value: (r) => r.by },
          { header: 'from', value: (r) => r.effectiveFrom },
          { header: 'withdrawn', value: (r) => r.withdrawnAt ?? '' },
          { header: 'reason', value: (r) => r.reason },
        ]),
      );
    });
  situation
    .command('withdraw')
    .description('withdraw a situation judgement')
    .argument('<id>', 'judgement id', wholeNumber('id'))
    .action(async (id: number) => {
      await withStore(db(), (store) => withdrawSituation(store, SYSTEM, id));
      print(`situation judgement ${id} withdrawn`);
    });

  situation
    .command('stage')
    .description(
      "record an analyst's judgement of a country's escalation stage (replaces the computed one in plans)",
    )
    .requiredOption('--country <country>', 'name or code')
    .addOption(
      new Option('--stage <stage>', 'the stage').choices(PLAN_STAGES).makeOptionMandatory(),
    )
    .requiredOption('--reason <text>', 'why')
    .requiredOption('--source <text>', 'the evidence')
    .option('--perpetrator <name...>', 'likely perpetrators to dissuade')
    .option('--at-risk <group...>', 'groups at risk to protect')
    .option('--by <name>', 'who', user)
    .option('--effective-from <date>', 'plans as of earlier dates ignore it (default: today)')
    .option('--organisation <id>', 'owning organisation')
    .addOption(tlpOption('AMBER'))
    .action(
      async (opts: {
        country: string;
        stage: string;
        reason: string;
        source: string;
        perpetrator?: string[];
        atRisk?: string[];
        by: string;
        effectiveFrom?: string;
        organisation?: string;
        tlp: Tlp;
      }) => {
        const country = findCountry(loadCountryRegistry(), opts.country);
        const s = await withStore(db(), (store) =>
          setStage(store, SYSTEM, {
            ...opts,
            countryId: country.id,
            perpetrators: opts.perpetrator,
            atRisk: opts.atRisk,
          }),
        );
        print(
          `stage judgement ${s.id}: ${country.name} = ${s.stage}, by ${s.by} from ${s.effectiveFrom}`,
        );
      },
    );
  situation
    .command('stages')
    .description('stored stage judgements')
    .option('--country <country>', 'one country')
    .addOption(formatOption())
    .action(async (opts: { country?: string; format: Format }) => {
      const id = opts.country ? findCountry(loadCountryRegistry(), opts.country).id : undefined;
      const rows = await withStore(db(), (store) => stageJudgements(store, SYSTEM, id));
      print(
        render(opts.format, { judgements: rows }, rows, [
          { header: 'id', value: (r) => r.id, right: true },
          { header: 'country', value: (r) => r.countryId },
          { header: 'stage', value: (r) => r.stage },
          { header: 'by', value: (r) => r.by },
          { header: 'from', value: (r) => r.effectiveFrom },
          { header: 'withdrawn', value: (r) => r.withdrawnAt ?? '' },
          { header: 'perpetrators', value: (r) => r.perpetrators.join('; ') },
          { header: 'at risk', value: (r) => r.atRisk.join('; ') },
          { header: 'reason', value: (r) => r.reason },
        ]),
      );
    });
  situation
    .command('unstage')
    .description('withdraw a stage judgement')
    .argument('<id>', 'judgement id', wholeNumber('id'))
    .action(async (id: number) => {
      await withStore(db(), (store) => withdrawStage(store, SYSTEM, id));
      print(`stage judgement ${id} withdrawn`);
    });

  const needs = program
    .command('needs')
    .description(
      'needs assessments: drafted from the data, edited by analysts, every version kept',
    );
  needs
    .command('draft')
    .description('draft the five parts from the data (and store it as a new version with --save)')
    .argument('<country>', 'name or code')
    .option('--as-of <date>', 'YYYY-MM-DD or YYYY (default: today)')
    .option('--forecast', 'add the statistical forecast (fits the model: takes seconds)')
    .option('--save', 'store it as the next version')
    .option('--note <text>', 'what this version is (with --save)', 'drafted from the data')
    .option('--by <name>', 'who', user)
    .option('--organisation <id>', 'owning organisation')
    .addOption(tlpOption('AMBER'))
    .addOption(formatOption(['table', 'json']))
    .action(
      async (
        query: string,
        opts: {
          asOf?: string;
          forecast?: boolean;
          save?: boolean;
          note: string;
          by: string;
          organisation?: string;
          tlp: Tlp;
          format: string;
        },
      ) => {
        const registry = loadCountryRegistry();
        const country = findCountry(registry, query);
        const { doc, version } = await withStore(db(), async (store) => {
          const doc = await draftNeedsAssessment(store, registry, SYSTEM, country.id, {
            asOf: opts.asOf,
            forecast: await forecastIf(store, opts.forecast),
          });
          const version = opts.save ? await saveNeedsVersion(store, SYSTEM, doc, opts) : undefined;
          return { doc, version };
        });
        if (opts.format === 'json') return print(JSON.stringify(version ?? doc, null, 2));
        print(
          needsText(
            doc,
            `${doc.name}: needs assessment as of ${doc.asOf}${version ? ` (saved as version ${version.version})` : ' (draft, not saved)'}`,
          ),
        );
      },
    );
  needs
    .command('show')
    .description('a stored version (default: the latest)')
    .argument('<country>', 'name or code')
    .option('--version <n>', 'version number', wholeNumber('--version'))
    .addOption(formatOption(['table', 'json']))
    .action(async (query: string, opts: { version?: number; format: string }) => {
      const country = findCountry(loadCountryRegistry(), query);
      const v = await withStore(db(), (store) =>
        needsVersion(store, SYSTEM, country.id, opts.version),
      );
      if (opts.format === 'json') return print(JSON.stringify(v, null, 2));
      print(
        needsText(
          v.document,
          `${v.document.name}: needs assessment version ${v.version} (${v.note}; by ${v.by} at ${v.at}; data as of ${v.asOf}; ${v.tlp})`,
        ),
      );
    });
  needs
    .command('history')
    .description("a country's versions")
    .argument('<country>', 'name or code')
    .addOption(formatOption())
    .action(async (query: string, opts: { format: Format }) => {
      const country = findCountry(loadCountryRegistry(), query);
      const rows = await withStore(db(), (store) => needsHistory(store, SYSTEM, country.id));
      const list = rows.map(({ document: _d, ...v }) => v);
      print(
        render(opts.format, { versions: list }, list, [
          { header: 'version', value: (v) => v.version, right: true },
          { header: 'as of', value: (v) => v.asOf },
          { header: 'by', value: (v) => v.by },
          { header: 'at', value: (v) => v.at },
          { header: 'tlp', value: (v) => v.tlp },
          { header: 'note', value: (v) => v.note },
        ]),
      );
    });
  needs
    .command('edit')
    .description('edit the latest version; the result is stored as a new version')
    .argument('<country>', 'name or code')
    .option('--add <part=text...>', `add a statement to a part (${NEEDS_PARTS.join(', ')})`)
    .option('--change <part:key=text...>', 'reword a statement (keys: `lens needs show`)')
    .option('--remove <part:key...>', 'remove a statement')
    .requiredOption('--note <text>', 'what changed and why')
    .option('--by <name>', 'who', user)
    .action(
      async (
        query: string,
        opts: { add?: string[]; change?: string[]; remove?: string[]; note: string; by: string },
      ) => {
        const country = findCountry(loadCountryRegistry(), query);
        const edits = parseEdits(opts);
        const v = await withStore(db(), (store) =>
          editNeedsAssessment(store, SYSTEM, country.id, edits, { note: opts.note, by: opts.by }),
        );
        print(
          `${country.name}: needs assessment version ${v.version} stored (${edits.length} edits)`,
        );
      },
    );
  needs
    .command('diff')
    .description('what changed between two versions')
    .argument('<country>', 'name or code')
    .requiredOption('--from <n>', 'earlier version', wholeNumber('--from'))
    .requiredOption('--to <n>', 'later version', wholeNumber('--to'))
    .addOption(formatOption(['table', 'json']))
    .action(async (query: string, opts: { from: number; to: number; format: string }) => {
      const country = findCountry(loadCountryRegistry(), query);
      const d = await withStore(db(), (store) =>
        needsDiff(store, SYSTEM, country.id, opts.from, opts.to),
      );
      if (opts.format === 'json')
        return print(
          JSON.stringify(
            { country: country.id, from: opts.from, to: opts.to, changes: d.changes },
            null,
            2,
          ),
        );
      print(`${country.name}: version ${opts.from} (${d.from.note}) → ${opts.to} (${d.to.note})`);
      if (d.changes.length === 0) print('no change');
      for (const c of d.changes) {
        print(`\n${NEEDS_PART_TITLES[c.part]} [${c.part}]`);
        for (const i of c.added) print(`  + ${i.text}`);
        for (const i of c.removed) print(`  - ${i.text}`);
        for (const i of c.changed) print(`  ~ ${i.from}\n    → ${i.to}`);
      }
    });

  const capacity = program
    .command('capacity')
    .description('the capacity map: who can deliver which measure where, and the gaps');
  capacity
    .command('import')
    .description(
      "import a capacity map CSV (all or nothing; re-importing replaces the file's actors)",
    )
    .argument('<file>', 'CSV with the columns of docs/toolkit.md')
    .option('--organisation <id>', 'owning organisation')
    .addOption(tlpOption('GREEN'))
    .action(async (file: string, opts: { organisation?: string; tlp: Tlp }) => {
      const r = await withStore(db(), (store) =>
        importCapacity(store, loadCountryRegistry(), SYSTEM, file, opts),
      );
      print(
        `${r.file}: ${r.actors} actors (${r.illustrative} illustrative), ${r.capacities} capacities`,
      );
    });
  capacity
    .command('export')
    .description('the stored map as CSV')
    .option('--out <file>', 'write to a file instead of printing')
    .action(async (opts: { out?: string }) => {
      const csv = await withStore(db(), (store) => exportCapacity(store, SYSTEM));
      if (opts.out) await writeFile(opts.out, csv);
      else print(csv.trimEnd());
    });
  capacity
    .command('list')
    .description('actors and their capacities')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const actors = await withStore(db(), (store) => capacityMap(store, SYSTEM));
      print(
        render(opts.format, { actors }, actors, [
          { header: 'actor', value: (a) => a.id },
          { header: 'name', value: (a) => `${a.name}${a.illustrative ? ' (illustrative)' : ''}` },
          { header: 'kind', value: (a) => a.kind },
          { header: 'measures', value: (a) => a.capacities.length, right: true },
          { header: 'links', value: (a) => a.links.join(' ') },
        ]),
      );
    });
  capacity
    .command('gaps')
    .description(
      'measures the plans need that no capable, committed actor covers, and the coverage matrix',
    )
    .option('--country <country>', 'one country')
    .option('--region <region>', `one region (${REGIONS.join(', ')})`)
    .option('--as-of <date>', 'YYYY-MM-DD or YYYY (default: today)')
    .addOption(formatOption())
    .action(async (opts: { country?: string; region?: string; asOf?: string; format: Format }) => {
      if (opts.country && opts.region) throw new InputError('give --country or --region, not both');
      if (opts.region && !isRegion(opts.region))
        throw new InputError(`unknown region "${opts.region}"`, {
          column: '--region',
          expected: REGIONS.join(', '),
        });
      const registry = loadCountryRegistry();
      const ids = opts.country ? [findCountry(registry, opts.country).id] : undefined;
      const r = await withStore(db(), (store) =>
        gapReport(store, registry, SYSTEM, {
          asOf: opts.asOf,
          countryIds: ids,
          ...(opts.region && isRegion(opts.region) ? { region: opts.region } : {}),
        }),
      );
      if (opts.format !== 'table')
        return print(
          render(opts.format, r, r.gaps, [
            { header: 'measure', value: (g) => g.measureId },
            { header: 'countries', value: (g) => g.countries.join(' ') },
            {
              header: 'weak',
              value: (g) => g.weak.map((w) => `${w.actorId}:${w.commitment}`).join(' '),
            },
          ]),
        );
      print(
        `${r.scope} as of ${r.asOf}: ${r.countries} countries, ${r.actors.length} actors, ${r.gaps.length} measures with gaps`,
      );
      print(
        render('table', r, r.gaps, [
          { header: 'gap: measure', value: (g) => g.measureId },
          { header: 'countries', value: (g) => g.countries.length, right: true },
          { header: 'examples', value: (g) => g.countries.slice(0, 6).join(' ') },
          {
            header: 'not committed enough',
            value: (g) => g.weak.map((w) => `${w.actorId} (${w.commitment})`).join(', '),
          },
        ]),
      );
      print('\ncoverage (countries needing the measure / covered by a committed actor):');
      print(
        render('table', r, r.matrix, [
          { header: 'measure', value: (m) => m.measureId },
          { header: 'needed', value: (m) => m.needed, right: true },
          { header: 'covered', value: (m) => m.covered, right: true },
          {
            header: 'by actor',
            value: (m) =>
              Object.entries(m.byActor)
                .map(([a, n]) => `${a}:${n}`)
                .join(' '),
          },
        ]),
      );
    });

  const toolkit = program
    .command('toolkit')
    .description('the prevention toolkit (content/toolkit)');
  toolkit
    .command('list')
    .description('every measure')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const t = await loadToolkit();
      print(
        render(opts.format, t, t.measures, [
          { header: 'id', value: (m) => m.id },
          { header: 'agenda', value: (m) => m.agenda },
          { header: 'area', value: (m) => m.area },
          { header: 'effect', value: (m) => m.timeToEffect },
          { header: 'title', value: (m) => m.title },
        ]),
      );
    });
  toolkit
    .command('show')
    .description('one measure: what it answers, where it fits and backfires, pitfalls, tensions')
    .argument('<id>', 'measure id')
    .action(async (id: string) => {
      const t = await loadToolkit();
      const m = t.measures.find((x) => x.id === id);
      if (!m)
        throw new InputError(`no measure "${id}"`, { expected: 'an id from `lens toolkit list`' });
      print(JSON.stringify(m, null, 2));
    });
  const lessons = program.command('lessons').description('the lessons library of past cases');
  lessons
    .command('list')
    .description('every case')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const l = await loadLessons();
      print(
        render(opts.format, l, l.cases, [
          { header: 'id', value: (c) => c.id },
          { header: 'years', value: (c) => `${c.fromYear}-${c.toYear}` },
          { header: 'situation', value: (c) => c.situation },
          { header: 'verdict', value: (c) => c.verdict },
          { header: 'title', value: (c) => c.title },
        ]),
      );
    });
  lessons
    .command('show')
    .description('one case')
    .argument('<id>', 'case id')
    .action(async (id: string) => {
      const c = (await loadLessons()).cases.find((x) => x.id === id);
      if (!c)
        throw new InputError(`no case "${id}"`, { expected: 'an id from `lens lessons list`' });
      print(JSON.stringify(c, null, 2));
    });
}
