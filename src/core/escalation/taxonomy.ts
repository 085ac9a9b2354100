/**
 * What happened, in one taxonomy for every source. Codes are dotted paths from general to
 * specific (`crisis.unconstitutional-change.coup`); rules match a code or any prefix of it at
 * a dot (`crisis.unconstitutional-change` matches every unconstitutional change).
 *
 * The families follow the path of escalation: the four forms of **crisis** and the triggers
 * that count when they set off a political crisis; the signals of **mobilisation**; the kinds
 * of **violence**; **context** (protests, riots, arrests, agreements: instability and
 * background rather than a stage by themselves); and **response** (accountability and outside
 * reaction, which the impunity rules read).
 */

/** The family of a category. */
export type CategoryFamily = 'crisis' | 'mobilisation' | 'violence' | 'context' | 'response';

/** One category: its code, family and what it covers. */
export interface CategoryInfo {
  code: string;
  family: CategoryFamily;
  label: string;
  description: string;
}

const c = <const Code extends string>(
  code: Code,
  label: string,
  description: string,
): { code: Code; family: CategoryFamily; label: string; description: string } => ({
  code,
  family: code.slice(0, code.indexOf('.')) as CategoryFamily,
  label,
  description,
});

/** Every category, grouped by family and form. */
export const CATEGORIES = [
  // Crisis, form 1: armed contest.
  c(
    'crisis.armed-contest.civil-war',
    'civil war',
    'An armed conflict between the state and organised armed groups under way (a conflict-year, a war episode).',
  ),
  c(
    'crisis.armed-contest.interstate-war',
    'interstate war',
    'Armed conflict between states on the territory.',
  ),
  c(
    'crisis.armed-contest.foreign-intervention',
    'foreign intervention',
    'Armed forces of another state intervene in the country.',
  ),
  c(
    'crisis.armed-contest.peace-agreement-reneged',
    'peace agreement reneged',
    'A party reneges on a peace agreement or violates a ceasefire.',
  ),
  c(
    'crisis.armed-contest.regime-threat',
    'threat to the regime',
    "Armed opponents take territory or otherwise seriously threaten the regime's survival.",
  ),
  // Crisis, form 2: unconstitutional change of regime.
  c('crisis.unconstitutional-change.coup', 'coup', "A successful coup d'état."),
  c('crisis.unconstitutional-change.coup-attempt', 'coup attempt', 'A failed coup attempt.'),
  c(
    'crisis.unconstitutional-change.disputed-election',
    'disputed election',
    'An election whose result is rejected by a major party or met with unrest.',
  ),
  c(
    'crisis.unconstitutional-change.contested-succession',
    'contested succession',
    "A leader's succession contested outside constitutional rules.",
  ),
  c(
    'crisis.unconstitutional-change.contested-secession',
    'contested secession',
    "A region declares secession against the state's will.",
  ),
  c(
    'crisis.unconstitutional-change.adverse-regime-change',
    'adverse regime change',
    'An abrupt shift to autocracy or collapse of central authority (PITF adverse regime change).',
  ),
  // Crisis, form 3: state incapacity.
  c('crisis.state-incapacity.new-state', 'new state', 'A new state with low legitimacy.'),
  c(
    'crisis.state-incapacity.failing-state',
    'failing or failed state',
    'Central authority loses control of much of the territory or its basic functions.',
  ),
  // Crisis, form 4: a radical revolutionary government.
  c(
    'crisis.revolutionary-government',
    'radical revolutionary government',
    'A government that seized power to remake society by force.',
  ),
  // Triggers: count as crisis only when they set off a political crisis (see the rules).
  c(
    'crisis.trigger.economic-collapse',
    'economic collapse',
    'A collapse of the economy (currency, banking, hyperinflation, sudden poverty).',
  ),
  c(
    'crisis.trigger.natural-disaster',
    'natural disaster',
    'A natural disaster large enough to strain the state.',
  ),

  // Mobilisation.
  c(
    'mobilisation.elite-purge',
    'moderates pushed out',
    'Moderates removed from the elite: dismissals, bans of parties or politicians, arrests of leaders.',
  ),
  c('mobilisation.hate-group', 'hate group organised', 'Groups organised against a target group.'),
  c(
    'mobilisation.security-purge',
    'security forces purged',
    'Security forces purged of minorities or the "disloyal".',
  ),
  c(
    'mobilisation.recruitment',
    'recruitment widened',
    'Recruitment into security forces widened among dominant or radical groups; mobilisation of forces.',
  ),
  c(
    'mobilisation.militia.founded',
    'militia founded',
    'A militia founded or an armed group formed.',
  ),
  c(
    'mobilisation.militia.armed',
    'militia armed',
    'A militia given or acquiring arms, bases or headquarters.',
  ),
  c('mobilisation.militia.trained', 'militia trained', 'A militia trained.'),
  c(
    'mobilisation.abuse',
    'abuse against the target group',
    'Abuses against members of a group short of killing: arbitrary arrests, torture, beatings.',
  ),
  c(
    'mobilisation.hate-propaganda',
    'hate propaganda',
    'Hate propaganda published or broadcast against a group.',
  ),
  c(
    'mobilisation.segregation',
    'segregation',
    'Segregation of a group: separate areas, movement restrictions.',
  ),
  c(
    'mobilisation.displacement',
    'displacement',
    'People of a group forced from their homes, expelled or deported.',
  ),
  c('mobilisation.camps', 'camps or ghettos', 'Camps or ghettos set up for a group.'),
  c(
    'mobilisation.exclusion',
    'exclusion',
    'A group excluded from schools, jobs, citizenship or public life.',
  ),

  // Violence.
  c('violence.armed-clash', 'armed clash', 'Organised armed groups fight each other (battles).'),
  c(
    'violence.remote',
    'remote violence',
    'Shelling, air or drone strikes, explosives and other remote attacks.',
  ),
  c(
    'violence.non-state',
    'non-state violence',
    'Organised groups, none of them the state, fight each other.',
  ),
  c(
    'violence.communal',
    'communal violence',
    'Groups not run by the state or an armed group attack each other or civilians (mob violence).',
  ),
  c(
    'violence.against-civilians.attack',
    'attack on civilians',
    'Civilians deliberately killed or attacked.',
  ),
  c(
    'violence.against-civilians.sexual-violence',
    'sexual violence',
    'Sexual violence against civilians.',
  ),
  c(
    'violence.against-civilians.abduction',
    'abduction or disappearance',
    'Civilians abducted or forcibly disappeared.',
  ),
  c(
    'violence.against-civilians.excessive-force',
    'excessive force',
    'Excessive force against protesters or civilians by the state.',
  ),
  c(
    'violence.against-civilians.destruction',
    'destruction of property',
    'Homes, property or livelihoods of civilians destroyed or looted.',
  ),

  // Context.
  c('context.protest', 'protest', 'Demonstrations, peaceful or met with intervention.'),
  c('context.riot', 'riot', 'Violent demonstrations.'),
  c(
    'context.arrests',
    'arrests',
    'Arrests by the state not aimed at a group (e.g. of armed group members).',
  ),
  c('context.agreement', 'agreement', 'Peace or ceasefire agreements, negotiations.'),
  c(
    'context.territory',
    'territory changes hands',
    'Territory transferred without fighting, or retaken by the state.',
  ),
  c(
    'context.force-movement',
    'movement of forces',
    'Deployments and other movements of armed forces.',
  ),
  c('context.other', 'other', 'Other developments a source records.'),

  // Response.
  c(
    'response.accountability.arrests',
    'perpetrators arrested',
    'Perpetrators of an earlier act arrested.',
  ),
  c(
    'response.accountability.prosecution',
    'perpetrators prosecuted',
    'Perpetrators of an earlier act charged or tried.',
  ),
  c(
    'response.outside-reaction',
    'outside reaction',
    'Condemnation, sanctions or other reaction from outside the country.',
  ),
] as const;

/** A category code. */
export type EventCategory = (typeof CATEGORIES)[number]['code'];

const BY_CODE: ReadonlyMap<string, CategoryInfo> = new Map(CATEGORIES.map((x) => [x.code, x]));

/** True when `code` is a category of the taxonomy. */
export function isCategory(code: string): code is EventCategory {
  return BY_CODE.has(code);
}

/** The category's description; undefined for an unknown code. */
export function categoryInfo(code: string): CategoryInfo | undefined {
  return BY_CODE.get(code);
}

/**
 * True when `pattern` names a category or a group of categories: a full code or a prefix
 * ending at a dot boundary (`violence.against-civilians`, `crisis`).
 */
export function isCategoryPattern(pattern: string): boolean {
  return CATEGORIES.some((x) => matchesCategory(x.code, pattern));
}

/** True when `code` is `pattern` or lies under it (`a.b.c` is under `a.b` and `a`). */
export function matchesCategory(code: string, pattern: string): boolean {
  return code === pattern || (code.startsWith(pattern) && code.charAt(pattern.length) === '.');
}
