import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  AGENDA_OF_AREA,
  validateLessons,
  validateToolkit,
} from '../../../src/core/planning/toolkit.js';
import type { ContentIssue } from '../../../src/core/planning/toolkit.js';
import { AGENDAS, MEASURE_AREAS, PITFALL_IDS } from '../../../src/core/planning/types.js';
import type { Lessons, Toolkit } from '../../../src/core/planning/types.js';
import { contentDir } from '../../../src/services/content.js';
import { planningRefs } from '../../../src/services/toolkit.js';
import { RANKING } from './fixtures.js';

// Content files are untyped JSON; the tests change them freely.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const refs = {
  factors: new Set(['preconditions-2011:rule-of-law', 'un-foa-2014:capacity']),
  indicators: new Set(['civilian-targeting', 'militias']),
  caseIds: new Set(['case-a']),
};
const lessonRefs = { measures: new Set(['measure-a', 'measure-b']), countries: new Set(['rwa']) };

function fixtureToolkit(): Toolkit {
  const base = {
    agenda: 'direct' as const,
    area: 'sanctions' as const,
    summary: 'What it does.',
    fits: {
      situations: ['armed-conflict' as const],
      stages: ['violence' as const],
      note: 'Where.',
    },
    backfires: ['How it goes wrong.'],
    deliveredBy: ['un' as const, 'state' as const],
    timeToEffect: 'months' as const,
    sideEffects: [],
  };
  return {
    id: 'prevention-toolkit',
    version: 2,
    title: 'Toolkit',
    changelog: [
      { version: 1, date: '2025-01-31', note: 'First.' },
      { version: 2, date: '2025-02-28', note: 'Second.' },
    ],
    measures: [
      {
        ...base,
        id: 'measure-a',
        title: 'Measure A',
        answers: { factors: ['un-foa-2014:capacity'], indicators: ['militias'] },
        pitfalls: ['blind-neutrality'],
        tensions: [{ measure: 'measure-b', note: 'Pulls against B.' }],
        cases: ['case-a'],
      },
      {
        ...base,
        id: 'measure-b',
        title: 'Measure B',
        answers: { factors: [], indicators: ['civilian-targeting'] },
        pitfalls: [],
        tensions: [{ measure: 'measure-a', note: 'Pulls against A.' }],
        cases: [],
      },
    ],
    ranking: structuredClone(RANKING),
    pitfallRules: PITFALL_IDS.map((id) => ({
      id,
      title: `Pitfall ${id}`,
      warning: 'What to do instead.',
      penalty: 1,
      when: [{ test: 'indicator', indicators: ['civilian-targeting'] }],
      cases: ['case-a'],
    })),
  };
}

function fixtureLessons(): Lessons {
  return {
    id: 'lessons',
    version: 1,
    title: 'Lessons',
    changelog: [{ version: 1, date: '2025-01-31', note: 'First.' }],
    cases: [
      {
        id: 'case-a',
        title: 'Case A',
        countryId: 'rwa',
        fromYear: 1993,
        toYear: 1994,
        situation: 'armed-conflict',
        summary: 'What happened.',
        actions: [{ measure: 'measure-a', by: 'Someone', what: 'Something.' }],
        outcome: 'The result.',
        lessons: ['A lesson.'],
        verdict: 'failed',
        sources: [{ title: 'A report', citation: 'Publisher, 1999' }],
      },
    ],
  };
}

function edited<T>(fixture: () => T, edit: (json: Json) => void): unknown {
  const json = JSON.parse(JSON.stringify(fixture())) as Json;
  edit(json);
  return json;
}

function toolkitIssues(edit: (json: Json) => void): ContentIssue[] {
  const r = validateToolkit(edited(fixtureToolkit, edit), refs);
  assert.equal(r.ok, false, 'expected the toolkit to be rejected');
  return r.ok ? [] : r.issues;
}

function lessonsIssues(edit: (json: Json) => void): ContentIssue[] {
  const r = validateLessons(edited(fixtureLessons, edit), lessonRefs);
  assert.equal(r.ok, false, 'expected the lessons to be rejected');
  return r.ok ? [] : r.issues;
}

/** The paths of the issues, sorted. */
function paths(issues: readonly ContentIssue[]): string[] {
  return issues.map((i) => i.path).sort();
}

/** The message of the issue at `path`. */
function message(issues: readonly ContentIssue[], path: string): string {
  const found = issues.find((i) => i.path === path);
  assert.ok(found, `no issue at ${path}`);
  return found.message;
}

describe('validateToolkit', () => {
  it('accepts the fixture and returns it unchanged', () => {
    const r = validateToolkit(
      edited(fixtureToolkit, () => {}),
      refs,
    );
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues));
    if (r.ok) assert.deepEqual(r.toolkit, fixtureToolkit());
  });

  it('names a bad enum value with its path and the allowed values', () => {
    const issues = toolkitIssues((t) => {
      t.measures[1].agenda = 'urgent';
      t.measures[0].deliveredBy[1] = 'army';
      t.measures[0].fits.stages = ['violence', 'genocide'];
      t.measures[1].pitfalls = ['naivety'];
    });
    assert.deepEqual(paths(issues), [
      'measures[0].deliveredBy[1]',
      'measures[0].fits.stages[1]',
      'measures[1].agenda',
      'measures[1].pitfalls[0]',
    ]);
    assert.match(
      message(issues, 'measures[0].deliveredBy[1]'),
      /expected one of un, regional, state/,
    );
  });

  it('rejects an area of another agenda', () => {
    const issues = toolkitIssues((t) => (t.measures[0].area = 'protection'));
    assert.deepEqual(paths(issues), ['measures[0].area']);
    assert.match(message(issues, 'measures[0].area'), /escalation agenda, not direct/);
  });

  it('rejects a duplicate measure id at the later one', () => {
    const issues = toolkitIssues((t) => t.measures.push(structuredClone(t.measures[0])));
    assert.deepEqual(paths(issues), ['measures[2].id']);
    assert.match(
      message(issues, 'measures[2].id'),
      /duplicate measure id "measure-a" \(first at measures\[0\]\)/,
    );
  });

  it('rejects unknown factors and indicators, and a measure that answers nothing', () => {
    const issues = toolkitIssues((t) => {
      t.measures[0].answers.factors = ['un-foa-2014:capacity', 'preconditions-2011:poverty'];
      t.measures[0].answers.indicators = ['genocide-watch'];
      t.measures[1].answers = { factors: [], indicators: [] };
    });
    assert.deepEqual(paths(issues), [
      'measures[0].answers.factors[1]',
      'measures[0].answers.indicators[0]',
      'measures[1].answers',
    ]);
    assert.match(
      message(issues, 'measures[0].answers.factors[1]'),
      /unknown factor "preconditions-2011:poverty"/,
    );
  });

  it('rejects a tension with an unknown measure or with itself', () => {
    const issues = toolkitIssues((t) => {
      t.measures[0].tensions[0].measure = 'measure-z';
      t.measures[1].tensions[0].measure = 'measure-b';
    });
    assert.deepEqual(paths(issues), [
      'measures[0].tensions[0].measure',
      'measures[1].tensions[0].measure',
    ]);
    assert.match(message(issues, 'measures[0].tensions[0].measure'), /unknown measure "measure-z"/);
  });

  it('rejects an unknown case, and checks cases for form only without case ids', () => {
    const issues = toolkitIssues((t) => t.measures[1].cases.push('case-zz'));
    assert.deepEqual(paths(issues), ['measures[1].cases[0]']);
    assert.match(message(issues, 'measures[1].cases[0]'), /unknown case "case-zz"/);
    const withoutCases = { factors: refs.factors, indicators: refs.indicators };
    const json = edited(fixtureToolkit, (t) => t.measures[1].cases.push('case-zz'));
    assert.ok(validateToolkit(json, withoutCases).ok);
  });

  it('checks the version against the changelog', () => {
    assert.deepEqual(
      paths(toolkitIssues((t) => (t.version = 3))),
      ['changelog'],
      'no entry for version 3',
    );
    assert.deepEqual(
      paths(toolkitIssues((t) => (t.version = 1))),
      ['changelog[1].version'],
      'an entry newer than the file',
    );
    assert.deepEqual(paths(toolkitIssues((t) => (t.version = 0))), ['version']);
    assert.deepEqual(paths(toolkitIssues((t) => (t.changelog[0].date = '2025-02-30'))), [
      'changelog[0].date',
    ]);
  });

  it('flags unknown fields, missing fields, repeated list entries and a non-object root', () => {
    const issues = toolkitIssues((t) => {
      t.measures[0].timeToEfect = 'days';
      delete t.measures[1].summary;
      t.measures[1].backfires = ['Twice.', 'Twice.'];
    });
    assert.deepEqual(paths(issues), [
      'measures[0].timeToEfect',
      'measures[1].backfires[1]',
      'measures[1].summary',
    ]);
    assert.match(
      message(issues, 'measures[0].timeToEfect'),
      /^unknown field \(expected one of id, title, agenda, .*, cases\)$/,
    );
    const root = validateToolkit([], refs);
    assert.deepEqual(root.ok ? [] : root.issues, [
      { path: '(root)', message: 'expected an object' },
    ]);
  });
});

describe('validateLessons', () => {
  it('accepts the fixture and returns it unchanged', () => {
    const r = validateLessons(
      edited(fixtureLessons, () => {}),
      lessonRefs,
    );
    assert.ok(r.ok, r.ok ? '' : JSON.stringify(r.issues));
    if (r.ok) assert.deepEqual(r.lessons, fixtureLessons());
  });

  it('rejects unknown measures and countries, bad years, enums and sources', () => {
    const issues = lessonsIssues((l) => {
      const c = l.cases[0];
      c.countryId = 'xyz';
      c.toYear = 1990;
      c.verdict = 'success';
      c.actions.push({ measure: 'measure-q', by: 'Someone', what: 'Something.' });
      c.sources[0].url = 'not a url';
    });
    assert.deepEqual(paths(issues), [
      'cases[0].actions[1].measure',
      'cases[0].countryId',
      'cases[0].sources[0].url',
      'cases[0].toYear',
      'cases[0].verdict',
    ]);
    assert.match(message(issues, 'cases[0].countryId'), /unknown country "xyz"/);
    assert.match(message(issues, 'cases[0].actions[1].measure'), /unknown measure "measure-q"/);
  });

  it('refuses a misspelt field at every level of both files, with its path', () => {
    const toolkit = toolkitIssues((t) => {
      t.changelog[0].notes = 'First.';
      t.measures[0].answers.indicator = ['militias'];
      t.measures[0].fits.notes = 'Where.';
      t.measures[0].tensions[0].mesure = 'measure-b';
    });
    const unknown = (issues: readonly ContentIssue[]) =>
      issues.filter((i) => i.message.startsWith('unknown field')).map((i) => [i.path, i.message]);
    assert.deepEqual(unknown(toolkit), [
      ['changelog[0].notes', 'unknown field (expected one of version, date, note)'],
      ['measures[0].answers.indicator', 'unknown field (expected one of factors, indicators)'],
      ['measures[0].fits.notes', 'unknown field (expected one of situations, stages, note)'],
      ['measures[0].tensions[0].mesure', 'unknown field (expected one of measure, note)'],
    ]);
    const lessons = lessonsIssues((l) => {
      l.cases[0].country = 'rwa';
      l.cases[0].actions[0].who = 'Someone';
      l.cases[0].sources[0].link = 'https://example.org/';
    });
    assert.deepEqual(
      unknown(lessons).map(([path]) => path),
      ['cases[0].country', 'cases[0].actions[0].who', 'cases[0].sources[0].link'],
    );
    assert.equal(
      message(lessons, 'cases[0].sources[0].link'),
      'unknown field (expected one of title, citation, url)',
    );
  });

  it('rejects a duplicate case id and an empty action list', () => {
    const issues = lessonsIssues((l) => {
      l.cases.push(JSON.parse(JSON.stringify(l.cases[0])));
      l.cases[0].actions = [];
    });
    assert.deepEqual(paths(issues), ['cases[0].actions', 'cases[1].id']);
  });
});

describe('the agendas and areas', () => {
  it('every area belongs to exactly one agenda, and every agenda has areas', () => {
    assert.deepEqual(Object.keys(AGENDA_OF_AREA).sort(), [...MEASURE_AREAS].sort());
    for (const agenda of AGENDAS) {
      assert.ok(Object.values(AGENDA_OF_AREA).includes(agenda), agenda);
    }
  });
});

describe('the shipped content', () => {
  it('toolkit.v1.json and lessons.v1.json validate against each other and the installed content', async () => {
    const installed = await planningRefs();
    const read = (name: string): unknown =>
      JSON.parse(readFileSync(contentDir('toolkit', name), 'utf8'));
    const lessons = validateLessons(read('lessons.v1.json'), {
      measures: new Set(
        (read('toolkit.v1.json') as { measures: { id: string }[] }).measures.map((m) => m.id),
      ),
      countries: installed.countries,
    });
    assert.ok(lessons.ok, lessons.ok ? '' : JSON.stringify(lessons.issues, null, 1));
    const caseIds = new Set(lessons.lessons.cases.map((c) => c.id));
    const toolkit = validateToolkit(read('toolkit.v1.json'), { ...installed, caseIds });
    assert.ok(toolkit.ok, toolkit.ok ? '' : JSON.stringify(toolkit.issues, null, 1));
  });

  it('toolkit.v2.json and lessons.v2.json validate, with ranking weights, pitfall rules, aims and stages', async () => {
    const installed = await planningRefs();
    const read = (name: string): unknown =>
      JSON.parse(readFileSync(contentDir('toolkit', name), 'utf8'));
    const lessons = validateLessons(read('lessons.v2.json'), {
      measures: new Set(
        (read('toolkit.v2.json') as { measures: { id: string }[] }).measures.map((m) => m.id),
      ),
      countries: installed.countries,
    });
    assert.ok(lessons.ok, lessons.ok ? '' : JSON.stringify(lessons.issues, null, 1));
    for (const c of lessons.lessons.cases) assert.ok(c.stages?.length, `${c.id} names its stages`);
    const caseIds = new Set(lessons.lessons.cases.map((c) => c.id));
    const toolkit = validateToolkit(read('toolkit.v2.json'), { ...installed, caseIds });
    assert.ok(toolkit.ok, toolkit.ok ? '' : JSON.stringify(toolkit.issues, null, 1));
    assert.deepEqual(
      toolkit.toolkit.pitfallRules!.map((r) => r.id).sort(),
      [...PITFALL_IDS].sort(),
    );
    for (const m of toolkit.toolkit.measures) assert.ok(m.aim, `${m.id} says whom it acts on`);
    // The weights keep the order of the issue: situation, stage, agenda, lessons, risks.
    const w = toolkit.toolkit.ranking!;
    const spread = {
      situation: w.situation.primary - w.situation.other,
      stage: w.stage.fits - w.stage.other,
      agenda: Math.max(
        ...Object.values(w.agenda).map((a) => {
          const v = Object.values(a).filter((x): x is number => x !== null);
          return Math.max(...v) - Math.min(...v);
        }),
      ),
      lessons: 2 * w.lessons.max,
      risks: w.risks.max,
    };
    assert.ok(
      spread.situation > spread.stage &&
        spread.stage > spread.agenda &&
        spread.agenda > spread.lessons - 0.01 &&
        spread.lessons > spread.risks,
      JSON.stringify(spread),
    );
  });
});

describe('ranking weights and pitfall rules in the toolkit', () => {
  it('are required from version 2, and checked field by field', () => {
    const missing = toolkitIssues((t) => {
      delete t.ranking;
      delete t.pitfallRules;
    });
    assert.deepEqual(paths(missing), ['pitfallRules', 'ranking']);
    const bad = toolkitIssues((t) => {
      t.ranking.stage.fits = 'high';
      t.ranking.agenda.direct.escalation = 'no';
      t.pitfallRules[0].when[0] = { test: 'moon-phase' };
      t.pitfallRules[1].when[0] = { test: 'indicator', indicators: ['nope'] };
    });
    assert.deepEqual(paths(bad), [
      'pitfallRules[0].when[0].test',
      'pitfallRules[1].when[0].indicators[0]',
      'ranking.agenda.direct.escalation',
      'ranking.stage.fits',
    ]);
    const short = toolkitIssues((t) => t.pitfallRules.pop());
    assert.match(message(short, 'pitfallRules'), /expected a rule for short-long-incoherence/);
  });
});
