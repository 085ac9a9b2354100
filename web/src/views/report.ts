/**
 * Field report form. Checked here before sending (and by the server, whose field errors are
 * shown beside the fields); a report written offline, or whose request cannot reach the
 * server, is kept in this browser and sent when the connection returns.
 */
import { ApiError } from '../api.js';
import { countryList } from '../data.js';
import { h, replace } from '../dom.js';
import { plural, stamp } from '../format.js';
import { discardReport, flushOutbox, outboxOf, sendableBy, submitReport } from '../outbox.js';
import type { RouteContext } from '../router.js';
import { currentUser, displayName, freshUser, mayDo, roleWhere, writerOf } from '../session.js';
import { notice, sentence } from '../ui.js';

/** Categories offered as suggestions (the server's taxonomy has the full list and checks it). */
const CATEGORIES = [
  'violence.against-civilians.attack',
  'violence.against-civilians.abduction',
  'violence.against-civilians.sexual-violence',
  'violence.against-civilians.destruction',
  'violence.communal',
  'violence.armed-clash',
  'mobilisation.hate-propaganda',
  'mobilisation.hate-group',
  'mobilisation.militia.armed',
  'mobilisation.displacement',
  'mobilisation.camps',
  'mobilisation.abuse',
  'crisis.unconstitutional-change.coup',
  'crisis.unconstitutional-change.disputed-election',
  'crisis.armed-contest.civil-war',
  'context.protest',
  'context.other',
];

type Field = HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function field(id: string, label: string, control: Field, hint?: string): HTMLElement {
  control.id = id;
  control.name = id;
  const error = h('span', { class: 'field-error', id: `${id}-error`, 'aria-live': 'polite' });
  control.setAttribute('aria-describedby', `${id}-error${hint ? ` ${id}-hint` : ''}`);
  return h(
    'div',
    { class: 'field', 'data-field': id },
    h(
      'label',
      { for: id },
      label,
      control.required ? h('span', { 'aria-hidden': 'true' }, ' *') : null,
    ),
    control,
    hint ? h('span', { class: 'hint', id: `${id}-hint` }, hint) : null,
    error,
  );
}

function setError(form: HTMLFormElement, id: string, message: string): void {
  const control = form.querySelector<Field>(`[name="${id}"]`);
  const error = form.querySelector(`#${id}-error`);
  if (control) control.setAttribute('aria-invalid', message ? 'true' : 'false');
  if (error) error.textContent = message;
}

/** The checks done before sending: field id → message, empty when all is well. */
export function checkReport(v: Record<string, string>): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!v.country) errors.country = 'Choose the country.';
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v.date ?? '') || Number.isNaN(Date.parse(v.date ?? '')))
    errors.date = 'A date as YYYY-MM-DD.';
  if (v.endDate && (!/^\d{4}-\d{2}-\d{2}$/.test(v.endDate) || v.endDate < (v.date ?? '')))
    errors.endDate = 'A date as YYYY-MM-DD, on or after the date.';
  if (!/^[a-z]+(\.[a-z-]+)+$/.test(v.category ?? ''))
    errors.category = 'A category of the taxonomy, such as violence.against-civilians.attack.';
  const lat = v.latitude ? Number(v.latitude) : undefined;
  const lon = v.longitude ? Number(v.longitude) : undefined;
  if (lat !== undefined && !(lat >= -90 && lat <= 90)) errors.latitude = 'Between -90 and 90.';
  if (lon !== undefined && !(lon >= -180 && lon <= 180)) errors.longitude = 'Between -180 and 180.';
  if ((lat === undefined) !== (lon === undefined))
    errors[lat === undefined ? 'latitude' : 'longitude'] = 'Give both coordinates, or neither.';
  const count = (k: string) => (v[k] ? Number(v[k]) : undefined);
  for (const k of ['deathsBest', 'deathsLow', 'deathsHigh']) {
    const n = count(k);
    if (n !== undefined && !(Number.isInteger(n) && n >= 0))
      errors[k] = 'A whole number, 0 or more.';
  }
  const [best, low, high] = [count('deathsBest'), count('deathsLow'), count('deathsHigh')];
  if ((low !== undefined || high !== undefined) && best === undefined)
    errors.deathsBest = 'Give the best estimate with the bounds.';
  if (best !== undefined && low !== undefined && low > best)
    errors.deathsLow = 'At most the best estimate.';
  if (best !== undefined && high !== undefined && high < best)
    errors.deathsHigh = 'At least the best estimate.';
  return errors;
}

/** The request body of a report from the form's values. */
export function reportBody(v: Record<string, string>): Record<string, unknown> {
  const list = (text: string | undefined) =>
    (text ?? '')
      .split(/[\n;]/)
      .map((x) => x.trim())
      .filter(Boolean);
  const place: Record<string, unknown> = {};
  if (v.placeName) place.name = v.placeName;
  if (v.admin1) place.admin1 = v.admin1;
  if (v.latitude && v.longitude) {
    place.latitude = Number(v.latitude);
    place.longitude = Number(v.longitude);
  }
  const body: Record<string, unknown> = {
    country: v.country,
    date: v.date,
    category: v.category,
    sharing: v.sharing || 'AMBER',
  };
  if (v.endDate) body.endDate = v.endDate;
  if (Object.keys(place).length) body.place = place;
  if (list(v.perpetrators).length) body.perpetrators = list(v.perpetrators);
  if (list(v.targets).length) body.targets = list(v.targets);
  if (v.targetGroup) body.targetGroup = v.targetGroup;
  if (v.civilianTargeted === 'yes') body.civilianTargeted = true;
  if (v.civilianTargeted === 'no') body.civilianTargeted = false;
  if (v.deathsBest) {
    body.deaths = {
      best: Number(v.deathsBest),
      ...(v.deathsLow ? { low: Number(v.deathsLow) } : {}),
      ...(v.deathsHigh ? { high: Number(v.deathsHigh) } : {}),
    };
  }
  if (v.accountability) body.accountability = v.accountability;
  if (list(v.sources).length) body.sources = list(v.sources);
  // Sent as chosen, "unknown" included: left out, the server would take the default, low.
  if (v.reliability) body.reliability = v.reliability;
  if (v.notes) body.notes = v.notes;
  return body;
}

const FIELD_OF: Record<string, string> = {
  'place.latitude': 'latitude',
  'place.longitude': 'longitude',
  'place.name': 'placeName',
  'place.admin1': 'admin1',
  'deaths.best': 'deathsBest',
  'deaths.low': 'deathsLow',
  'deaths.high': 'deathsHigh',
};

/** "2 fields to correct: Date, Latitude." naming each field by its label. */
function toCorrect(form: HTMLFormElement, ids: readonly string[]): HTMLElement {
  const labels = ids.map(
    (id) =>
      form
        .querySelector(`label[for="${id}"]`)
        ?.textContent?.replace(/\s*\*$/, '')
        .trim() || id,
  );
  return h(
    'p',
    { role: 'alert', class: 'notice notice-error', id: 'report-errors' },
    `${plural(ids.length, 'field')} to correct: ${labels.join(', ')}.`,
  );
}

/** Draws the form and the outbox. Resolves when the form is ready. */
export async function reportView(ctx: RouteContext): Promise<void> {
  const { main, signal } = ctx;
  const [countries, me] = await Promise.all([countryList(), currentUser().catch(() => null)]);
  const signedIn = !me
    ? h(
        'p',
        { class: 'notice notice-signin', id: 'report-who' },
        'Sending needs a signed-in analyst or field monitor. ',
        h('a', { href: '#/signin' }, 'Sign in'),
      )
    : mayDo(me, 'submit-report')
      ? h('p', { class: 'caption', id: 'report-who' }, `Reporting as ${displayName(me)}.`)
      : h(
          'p',
          { class: 'notice notice-forbidden', id: 'report-who' },
          `Your role (${roleWhere(me)}) may not send reports: sending needs a signed-in analyst or field monitor.`,
        );
  const select = (options: readonly [string, string][], required = false) => {
    const el = h('select', {}, ...options.map(([value, label]) => h('option', { value }, label)));
    el.required = required;
    return el;
  };
  const input = (attrs: Record<string, string | number | boolean>) => h('input', attrs);
  const current = countries
    .filter((c) => c.to === null || c.to === undefined)
    .sort((a, b) => a.name.localeCompare(b.name));
  const result = h('div', { class: 'form-result', 'aria-live': 'polite', id: 'report-result' });
  const queue = h('div', { class: 'outbox', id: 'outbox' });
  const form = h(
    'form',
    { class: 'report-form', novalidate: true, 'aria-labelledby': 'view-title' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'What and when'),
      field(
        'country',
        'Country',
        select([['', 'choose…'], ...current.map((c) => [c.id, c.name] as [string, string])], true),
      ),
      field('date', 'Date', input({ type: 'date', required: true })),
      field('endDate', 'Last day (for a span)', input({ type: 'date' })),
      field(
        'category',
        'Category',
        input({ list: 'categories', required: true, autocomplete: 'off' }),
        'family.form.kind, e.g. violence.against-civilians.attack',
      ),
      h('datalist', { id: 'categories' }, ...CATEGORIES.map((c) => h('option', { value: c }))),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Where'),
      field('placeName', 'Place', input({})),
      field('admin1', 'Province or region', input({})),
      field('latitude', 'Latitude', input({ type: 'number', step: 'any', min: -90, max: 90 })),
      field('longitude', 'Longitude', input({ type: 'number', step: 'any', min: -180, max: 180 })),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Who and how many'),
      field(
        'perpetrators',
        'Perpetrators',
        h('textarea', { rows: 2 }),
        'one per line, NAME:TYPE (e.g. Army:state-forces)',
      ),
      field('targets', 'Targets', h('textarea', { rows: 2 }), 'one per line, NAME:TYPE'),
      field('targetGroup', 'Target group', input({})),
      field(
        'civilianTargeted',
        'Civilians deliberately targeted',
        select([
          ['', 'unknown'],
          ['yes', 'yes'],
          ['no', 'no'],
        ]),
      ),
      field('deathsBest', 'Deaths, best estimate', input({ type: 'number', min: 0, step: 1 })),
      field('deathsLow', 'Deaths, low', input({ type: 'number', min: 0, step: 1 })),
      field('deathsHigh', 'Deaths, high', input({ type: 'number', min: 0, step: 1 })),
      field(
        'accountability',
        'Accountability',
        select([
          ['', 'none known'],
          ['arrests', 'arrests'],
          ['prosecutions', 'prosecutions'],
          ['none-known', 'none known (stated)'],
        ]),
      ),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Sources and sharing'),
      field('sources', 'Sources', h('textarea', { rows: 2 }), 'one per line'),
      field(
        'reliability',
        'Reliability',
        select([
          ['unknown', 'unknown'],
          ['high', 'high'],
          ['medium', 'medium'],
          ['low', 'low'],
        ]),
      ),
      field(
        'sharing',
        'Sharing (TLP)',
        select([
          ['AMBER', 'AMBER (default)'],
          ['CLEAR', 'CLEAR'],
          ['GREEN', 'GREEN'],
          ['AMBER+STRICT', 'AMBER+STRICT'],
          ['RED', 'RED'],
        ]),
      ),
      field('notes', 'Notes', h('textarea', { rows: 3 })),
    ),
    h('button', { type: 'submit' }, 'Send report'),
  );

  const values = (): Record<string, string> => {
    const out: Record<string, string> = {};
    for (const [k, v] of new FormData(form)) out[k] = String(v).trim();
    return out;
  };
  const writer = writerOf(me);
  const drawQueue = () => {
    const { own: items, others } = outboxOf(writer);
    replace(
      queue,
      h('h2', {}, `Waiting to be sent (${items.length})`),
      items.length === 0
        ? h('p', { class: 'muted' }, 'Nothing waiting.')
        : h(
            'ul',
            {},
            ...items.map((r) =>
              h(
                'li',
                { 'data-queued': r.id },
                `${String(r.body.date)} ${String(r.body.category)} in ${String(r.body.country)}, kept ${stamp(r.savedAt)}`,
                r.refused
                  ? h('span', { class: 'field-error' }, ` refused by the server: ${r.refused}`)
                  : null,
                sendableBy(r, writer)
                  ? null
                  : h(
                      'span',
                      { class: 'muted', 'data-held-for': r.writer?.organisationId ?? '' },
                      ` written for ${r.writer?.organisationId ?? 'another organisation'}: sent once you act for it again`,
                    ),
                ' ',
                h(
                  'button',
                  { type: 'button', on: { click: () => discardReport(r.id) } },
                  'Discard',
                ),
              ),
            ),
          ),
      others > 0
        ? h(
            'p',
            { class: 'muted', id: 'outbox-others' },
            `${others} report(s) kept on this device for another account are neither shown nor sent here.`,
          )
        : null,
    );
  };
  const onOutbox = () => drawQueue();
  window.addEventListener('lens:outbox', onOutbox);
  signal.addEventListener('abort', () => window.removeEventListener('lens:outbox', onOutbox));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const v = values();
    const errors = checkReport(v);
    for (const k of Object.keys(v)) setError(form, k, errors[k] ?? '');
    const first = Object.keys(errors)[0];
    if (first) {
      replace(result, toCorrect(form, Object.keys(errors)));
      form.querySelector<Field>(`[name="${first}"]`)?.focus();
      return;
    }
    try {
      const sent = await submitReport(reportBody(v), writer);
      if (sent.state === 'queued') {
        replace(
          result,
          h(
            'p',
            { role: 'status', class: 'notice notice-offline', 'data-state': 'queued' },
            'Offline: the report is kept on this device and will be sent when the connection returns.',
          ),
        );
      } else {
        replace(
          result,
          h(
            'p',
            { role: 'status', class: 'notice notice-ok', 'data-state': 'sent' },
            'Report sent.',
          ),
        );
      }
      form.reset();
    } catch (error) {
      const fields = new Set<string>();
      if (error instanceof ApiError) {
        for (const p of (error.problem.errors as
          { field: string; message: string }[] | undefined) ?? []) {
          const id = FIELD_OF[p.field] ?? p.field.split('.')[0] ?? p.field;
          setError(form, id, sentence(p.message));
          fields.add(id);
        }
      }
      // Field errors are named by the form's labels, beside each field; others as they come.
      replace(
        result,
        fields.size
          ? toCorrect(form, [...fields])
          : notice(error, {
              me: await freshUser(),
              action: 'submit-report',
              doing: 'send reports',
            }),
      );
    }
  });

  replace(
    main,
    h(
      'div',
      { class: 'view report' },
      h(
        'header',
        { class: 'view-header' },
        h('h1', { id: 'view-title', tabindex: -1 }, 'Field report'),
        h(
          'p',
          { class: 'caption' },
          'Fields marked * are required. Written offline, a report is kept on this device and sent when the connection returns.',
        ),
      ),
      signedIn,
      form,
      result,
      queue,
    ),
  );
  drawQueue();
  if (navigator.onLine && outboxOf(writer).own.length) void flushOutbox(writer);
}
