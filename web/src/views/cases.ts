/**
 * Cases: the workflow board from warning to decision. Each case moves through the steps
 * the server defines (warning, assessment, advice, decision by default); a card's button
 * records the next step.
 */
import { getAll, post } from '../api.js';
import { namesById } from '../data.js';
import { h, replace } from '../dom.js';
import { stamp } from '../format.js';
import type { RouteContext } from '../router.js';
import { link } from '../router.js';
import { notice } from '../ui.js';

/** A case as the board reads it. */
interface Case {
  id: number | string;
  title?: string;
  countryId?: string;
  country?: string | { id: string; name: string };
  step: string;
  steps?: { step: string; at: string; by?: string; note?: string }[];
  updatedAt?: string;
  sharing?: string;
}

/** The default steps, in order, when the server does not list its own. */
const STEPS = ['warning', 'assessment', 'advice', 'decision'];

/** Draws the board. Resolves when the cases are on it. */
export async function casesView(ctx: RouteContext): Promise<void> {
  const { main } = ctx;
  const [cases, names] = await Promise.all([
    getAll<Case>('/cases'),
    namesById().catch(() => new Map<string, string>()),
  ]);
  const steps = [...STEPS, ...new Set(cases.map((c) => c.step).filter((s) => !STEPS.includes(s)))];
  const board = h('div', { class: 'board', id: 'board' });
  const countryOf = (c: Case) =>
    typeof c.country === 'object' ? c.country.id : (c.countryId ?? c.country ?? '');
  const draw = () =>
    replace(
      board,
      ...steps.map((step, i) => {
        const here = cases.filter((c) => c.step === step);
        return h(
          'section',
          { class: 'column', 'aria-labelledby': `col-${step}`, 'data-step': step },
          h('h2', { id: `col-${step}` }, `${step} (${here.length})`),
          h(
            'ul',
            {},
            ...here.map((c) => {
              const result = h('span', { class: 'form-result', 'aria-live': 'polite' });
              const next = steps[i + 1];
              const id = countryOf(c);
              return h(
                'li',
                { class: 'card', 'data-case': c.id },
                h('strong', {}, c.title ?? `Case ${c.id}`),
                h(
                  'p',
                  { class: 'muted' },
                  id ? h('a', { href: link(`/country/${id}`) }, names.get(id) ?? id) : null,
                  c.updatedAt ? ` · ${stamp(c.updatedAt)}` : '',
                  c.sharing ? ` · ${c.sharing}` : '',
                ),
                next
                  ? h(
                      'button',
                      {
                        type: 'button',
                        on: {
                          click: async () => {
                            try {
                              const updated = await post<Case>(`/cases/${c.id}/steps/${next}`);
                              Object.assign(c, updated ?? { step: next });
                              c.step = updated?.step ?? next;
                              draw();
                            } catch (error) {
                              replace(result, notice(error));
                            }
                          },
                        },
                      },
                      `Move to ${next}`,
                    )
                  : null,
                result,
              );
            }),
          ),
        );
      }),
    );
  replace(
    main,
    h(
      'div',
      { class: 'view cases' },
      h(
        'header',
        { class: 'view-header' },
        h('h1', { id: 'view-title', tabindex: -1 }, 'Cases'),
        h('p', { class: 'caption' }, 'From warning to assessment, advice and decision.'),
      ),
      board,
    ),
  );
  draw();
}
