import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EscalationRules } from '../../../src/core/escalation/rules.js';
import { validateRules, formatRulesIssues } from '../../../src/core/escalation/rules.js';
import type { EventFacts } from '../../../src/core/escalation/types.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** A shipped rules file (version 1 unless told), parsed (not validated). */
export function rulesJson(version = 1): Record<string, unknown> {
  return JSON.parse(
    readFileSync(join(root, 'content', 'escalation', `rules.v${version}.json`), 'utf8'),
  ) as Record<string, unknown>;
}

/** Shipped rules (version 1 unless told), validated. */
export function shippedRules(version = 1): EscalationRules {
  const v = validateRules(rulesJson(version));
  if (!v.ok) throw new Error(formatRulesIssues(v.issues));
  return v.rules;
}

let counter = 0;

/** Event facts with defaults: a report in country `aaa` on `date`, category attack on civilians. */
export function fact(date: string, over: Partial<EventFacts> = {}): EventFacts {
  counter++;
  return {
    key: `report:t${counter}`,
    countryId: 'aaa',
    dateStart: date,
    dateEnd: date,
    category: 'violence.against-civilians.attack',
    civilianTargeted: true,
    deathsBest: 3,
    accountability: 'none-known',
    actor1Type: 'identity-militia',
    actor1Name: 'Militia X',
    actor2Type: 'civilians',
    targetGroup: 'Group Y',
    relatesTo: null,
    reliability: 'medium',
    sharing: 'CLEAR',
    ...over,
  };
}
