/**
 * Cases: the workflow board from warning to decision. Open alerts are the warnings (a case
 * is opened from one); a case then goes through assessment, advice and decision, each step
 * started and completed by an analyst; the last column holds the decided cases with the
 * time from warning to decision.
 */
import { getAll, post } from '../api.js';
import { namesById } from '../data.js';
import { h, replace } from '../dom.js';
import type { Child } from '../dom.js';
import { stamp } from '../format.js';
import type { RouteContext } from '../router.js';
import { link } from '../router.js';
import type { Alert } from '../types.js';
import { currentUser, freshUser, mayDo, roleWhere } from '../session.js';
import { notice } from '../ui.js';

/** One step of a case. */
interface CaseStep {
  step: string;
  status: 'waiting' | 'open' | 'in-progress' | 'done';
  ownerUsername: string | null;
  dueAt: string | null;
  completedAt: string | null;
  overdue: boolean;
  note?: string | null;
}

/** A case as the API lists it. */
interface Case {
  id: number;
  alertId: number;
  countryId: string;
  fastTrack: boolean;
  tlp: string;
  status: 'open' | 'decided';
  openedAt: string;
  decidedAt: string | null;
  decision: string | null;
  steps: CaseStep[];
  currentStep: string | null;
  warningToDecisionHours: number | null;
  elapsedHours: number;
}

const STEPS = ['assessment', 'advice', 'decision'];

/** Draws the board. Resolves when the cases and warnings are on it. */
export async function casesView(ctx: RouteContext): Promise<void> {
  const { main } = ctx;
  const [cases, alerts, names, me] = await Promise.all([
    getAll<Case>('/cases'),
    getAll<Alert>('/alerts', { filter: 'open' }),
    namesById().catch(() => new Map<string, string>()),
    currentUser().catch(() => null),
  ]);
  // A role sees only the buttons it may press; a refusal names the role.
  const opening = { me, action: 'open-case', doing: 'open cases' } as const;
  const working = { me, action: 'work-case', doing: 'work on cases' } as const;
  const board = h('div', { class: 'board', id: 'board' });
  const country = (id: string) => h('a', { href: link(`/country/${id}`) }, names.get(id) ?? id);
  const act = (
    label: string,
    run: () => Promise<void>,
    result: HTMLElement,
    attempt: typeof opening | typeof working,
  ) =>
    !mayDo(me, attempt.action)
      ? null
      : h(
          'button',
          {
            type: 'button',
            on: {
              click: async () => {
                try {
                  await run();
                  draw();
                } catch (error) {
                  replace(result, notice(error, { ...attempt, me: await freshUser() }));
                }
              },
            },
          },
          label,
        );
  const replaceCase = (updated: Case) => {
    const i = cases.findIndex((c) => c.id === updated.id);
    if (i >= 0) cases[i] = updated;
    else cases.unshift(updated);
  };
  const column = (id: string, title: string, cards: Child[]) =>
    h(
      'section',
      { class: 'column', 'aria-labelledby': `col-${id}`, 'data-step': id },
      h('h2', { id: `col-${id}` }, `${title} (${cards.length})`),
      h('ul', {}, ...cards),
    );
  const caseCard = (c: Case) => {
    const result = h('span', { class: 'form-result', 'aria-live': 'polite' });
    const step = c.steps.find((s) => s.step === c.currentStep);
    const move = (action: 'start' | 'complete') => async () => {
      const note =
        action === 'complete' && step?.step === 'decision'
          ? (prompt('The decision taken:') ?? '')
          : undefined;
      replaceCase(
        await post<Case>(
          `/cases/${c.id}/steps/${step!.step}`,
          note ? { action, note } : { action },
        ),
      );
    };
    return h(
      'li',
      { class: `card${c.fastTrack ? ' fast-track' : ''}`, 'data-case': c.id },
      h(
        'strong',
        {},
        country(c.countryId),
        c.fastTrack ? h('span', { class: 'imminent' }, ' fast track') : null,
      ),
      h(
        'p',
        { class: 'muted' },
        `case ${c.id} from alert ${c.alertId} · ${c.tlp} · ${c.status === 'decided' ? `decided in ${c.warningToDecisionHours} h` : `${c.elapsedHours} h since the warning`}`,
        step?.ownerUsername ? ` · ${step.ownerUsername}` : '',
        step?.dueAt ? ` · due ${stamp(step.dueAt)}` : '',
        step?.overdue ? h('strong', { class: 'imminent' }, ' overdue') : null,
      ),
      c.decision ? h('p', {}, `Decision: ${c.decision}`) : null,
      step && step.status !== 'done' && step.status !== 'waiting'
        ? act(
            step.status === 'open' ? `Start ${step.step}` : `Complete ${step.step}`,
            move(step.status === 'open' ? 'start' : 'complete'),
            result,
            working,
          )
        : null,
      result,
    );
  };
  const draw = () => {
    const withCase = new Set(cases.map((c) => c.alertId));
    const warnings = alerts
      .filter((a) => !withCase.has(a.id))
      .map((a) => {
        const result = h('span', { class: 'form-result', 'aria-live': 'polite' });
        return h(
          'li',
          { class: 'card', 'data-alert': a.id },
          h('strong', {}, country(a.countryId)),
          h('p', { class: 'muted' }, `${a.title} · ${a.sharing}`),
          act(
            'Open a case',
            async () => replaceCase(await post<Case>('/cases', { alertId: a.id })),
            result,
            opening,
          ),
          result,
        );
      });
    replace(
      board,
      column('warning', 'Warning', warnings),
      ...STEPS.map((s) =>
        column(
          s,
          s[0]!.toUpperCase() + s.slice(1),
          cases.filter((c) => c.currentStep === s).map(caseCard),
        ),
      ),
      column('decided', 'Decided', cases.filter((c) => c.status === 'decided').map(caseCard)),
    );
  };
  replace(
    main,
    h(
      'div',
      { class: 'view cases' },
      h(
        'header',
        { class: 'view-header' },
        h('h1', { id: 'view-title', tabindex: -1 }, 'Cases'),
        h(
          'p',
          { class: 'caption' },
          'From warning to assessment, advice and decision; imminent warnings go on the fast track.',
        ),
      ),
      me && !mayDo(me, working.action)
        ? h(
            'p',
            { class: 'muted', id: 'cases-role' },
            `Your role (${roleWhere(me)}) may follow cases but not open or move them.`,
          )
        : null,
      board,
    ),
  );
  draw();
}
