import * as assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { contentDir } from '../../src/services/content.js';
import { loadFramework } from '../../src/services/frameworks.js';
import { loadRules } from '../../src/services/escalation.js';
import { loadLessons, loadToolkit, loadToolkitContent } from '../../src/services/toolkit.js';

const scratch = mkdtempSync(join(tmpdir(), 'lens-toolkit-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The measures of the toolkit in the product specification, one id each. */
const SPECIFIED_MEASURES = [
  // structural, economic
  'reduce-poverty',
  'reduce-group-inequality',
  'promote-growth',
  'structural-reform-support',
  'technical-assistance',
  'trade-openness',
  'community-development',
  // structural, governance
  'institutional-capacity',
  'democracy-support',
  'power-sharing',
  'independent-judiciary',
  'anti-corruption',
  'local-conflict-resolution-capacity',
  // structural, security
  'rule-of-law',
  'ending-impunity',
  'security-sector-reform',
  'small-arms-control',
  // structural, human rights
  'rights-protection',
  'icc-support',
  // structural, social
  'intergroup-dialogue',
  'civil-society-support',
  'press-freedom',
  'counter-incitement',
  'diversity-education',
  // direct
  'early-warning-capacity',
  'fact-finding',
  'groups-of-friends',
  'envoys',
  'good-offices',
  'arbitration-icj',
  'local-peace-process-support',
  'travel-bans',
  'trade-embargo',
  'arms-embargo',
  'asset-freezes',
  'diplomatic-sanctions',
  'economic-inducements',
  'political-inducements',
  'preventive-deployment',
  'rapid-deployment',
  'jamming-incitement',
  'icc-referral',
  // escalation prevention
  'protection-mandates',
  'protection-sites',
  'conflict-monitoring',
  'humanitarian-access',
  'arms-flow-interdiction',
  'accountability-signalling',
  'unarmed-civilian-protection',
  'evacuation-safe-passage',
  'armed-group-engagement',
  'conditional-security-assistance',
];

/** A copy of the shipped toolkit folder with `edit` applied to one file's JSON. */
function editedCopy(name: string, edit: (json: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(scratch, 'copy-'));
  for (const file of ['toolkit.v1.json', 'lessons.v1.json']) {
    copyFileSync(contentDir('toolkit', file), join(dir, file));
  }
  const path = join(dir, name);
  const json = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  edit(json);
  writeFileSync(path, JSON.stringify(json));
  return dir;
}

describe('toolkit service', () => {
  it('loads the shipped toolkit and lessons, newest versions', async () => {
    const { toolkit, lessons } = await loadToolkitContent();
    assert.equal(toolkit.id, 'prevention-toolkit');
    assert.equal(toolkit.version, 2);
    assert.ok(toolkit.ranking && toolkit.pitfallRules);
    assert.ok(toolkit.measures.length >= 50 && toolkit.measures.length <= 60);
    assert.equal(lessons.id, 'lessons');
    assert.ok(lessons.cases.length >= 14 && lessons.cases.length <= 20);
    assert.deepEqual((await loadToolkit()).measures.length, toolkit.measures.length);
    assert.equal(lessons.version, 2);
    assert.deepEqual((await loadLessons(undefined, 1)).cases.length, lessons.cases.length);
  });

  it('has every measure of the specified toolkit, and every agenda', async () => {
    const toolkit = await loadToolkit();
    const ids = new Set(toolkit.measures.map((m) => m.id));
    const missing = SPECIFIED_MEASURES.filter((id) => !ids.has(id));
    assert.deepEqual(missing, []);
    const agendas = new Set(toolkit.measures.map((m) => m.agenda));
    assert.deepEqual([...agendas].sort(), ['direct', 'escalation', 'structural']);
  });

  it('answers every escalation indicator and every factor of both v2 frameworks', async () => {
    const toolkit = await loadToolkit();
    const factors = new Set(toolkit.measures.flatMap((m) => m.answers.factors));
    const indicators = new Set(toolkit.measures.flatMap((m) => m.answers.indicators));
    for (const ref of ['preconditions-2011@2', 'un-foa-2014@2']) {
      const framework = await loadFramework(ref);
      for (const group of framework.groups) {
        for (const factor of group.factors) {
          const id = `${framework.id}:${factor.id}`;
          assert.ok(factors.has(id), `no measure answers ${id}`);
        }
      }
    }
    for (const indicator of (await loadRules()).indicators) {
      assert.ok(indicators.has(indicator.id), `no measure answers ${indicator.id}`);
    }
  });

  it('links cases and measures both ways, with tensions in both directions', async () => {
    const { toolkit, lessons } = await loadToolkitContent();
    const byId = new Map(toolkit.measures.map((m) => [m.id, m]));
    for (const c of lessons.cases) {
      for (const action of c.actions) {
        const measure = byId.get(action.measure);
        assert.ok(measure, `${c.id} names unknown measure ${action.measure}`);
        assert.ok(measure.cases.includes(c.id), `${action.measure} does not list ${c.id}`);
      }
    }
    for (const m of toolkit.measures) {
      for (const t of m.tensions) {
        const other = byId.get(t.measure);
        assert.ok(
          other?.tensions.some((back) => back.measure === m.id),
          `${t.measure} ↔ ${m.id}`,
        );
      }
    }
  });

  it('names the file and the path of a problem', async () => {
    const dir = editedCopy('toolkit.v1.json', (json) => {
      const measures = json.measures as { answers: { factors: string[] } }[];
      measures[3]!.answers.factors[0] = 'preconditions-2011:nonexistent';
    });
    await assert.rejects(loadToolkit(dir), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.file, join(dir, 'toolkit.v1.json'));
      assert.match(error.message, /measures\[3\]\.answers\.factors\[0\]: unknown factor/);
      return true;
    });
  });

  it('rejects a case naming an unknown measure, in the lessons file', async () => {
    const dir = editedCopy('lessons.v1.json', (json) => {
      const cases = json.cases as { actions: { measure: string }[] }[];
      cases[0]!.actions[0]!.measure = 'carpet-bombing';
    });
    await assert.rejects(loadLessons(dir), (error: unknown) => {
      assert.ok(error instanceof InputError);
      assert.equal(error.file, join(dir, 'lessons.v1.json'));
      assert.match(error.message, /cases\[0\]\.actions\[0\]\.measure: unknown measure/);
      return true;
    });
  });

  it('rejects a version that differs from the file name, and a missing version', async () => {
    const v2 = JSON.parse(readFileSync(contentDir('toolkit', 'toolkit.v2.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    const dir = editedCopy('toolkit.v1.json', (json) => {
      json.version = 2;
      // Version 2 needs the ranking weights and pitfall rules: only the version is wrong.
      json.ranking = v2.ranking;
      json.pitfallRules = v2.pitfallRules;
      (json.changelog as { version: number }[]).push({
        ...(json.changelog as { version: number }[])[0]!,
        version: 2,
      });
    });
    await assert.rejects(loadToolkit(dir), /says version 2 \(expected version 1/);
    await assert.rejects(loadToolkit(dir, 7), /no toolkit file of version 7/);
  });
});
