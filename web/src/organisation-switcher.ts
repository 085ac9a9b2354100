/**
 * The organisation switcher, the same in the header and on the Account page, for users of
 * more than one organisation.
 */
import { h } from './dom.js';
import { switchOrganisation } from './session.js';

/**
 * A labelled select of the user's organisations, the one acted for selected, and a Switch
 * button: a change of selection alone does not switch, so moving through the options with
 * the keyboard is safe (Tab to the button and Enter, or click it). A refused switch is said
 * beside it; a switch makes the page draw the header and the view again
 * (`lens:organisation`). `id` is the select's, unique on the page (the header's and the
 * Account page's switchers are shown together there).
 */
export function organisationSwitcher(
  orgs: readonly { id: string; name: string; active: boolean }[],
  id: string,
): HTMLFormElement {
  const select = h(
    'select',
    { id, name: 'organisation' },
    ...orgs.map((o) => h('option', { value: o.id, selected: o.active }, o.name)),
  );
  const problem = h('span', { class: 'switch-problem', role: 'alert' });
  const form = h(
    'form',
    { class: 'org-switch', 'aria-label': 'Organisation' },
    h('label', { for: id }, 'Acting for'),
    select,
    h('button', { type: 'submit' }, 'Switch'),
    problem,
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    problem.textContent = '';
    try {
      await switchOrganisation(select.value);
    } catch (error) {
      problem.textContent = error instanceof Error ? error.message : String(error);
    }
  });
  return form;
}
