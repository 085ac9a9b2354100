/**
 * Sign-in and organisation switching. The server keeps the session in a cookie and returns
 * a CSRF token for the requests that change data; what a user sees depends on the sharing
 * level of each item and the user's organisation, decided by the server.
 */
import { ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { organisationSwitcher } from '../organisation-switcher.js';
import { outboxOf } from '../outbox.js';
import type { RouteContext } from '../router.js';
import {
  activeOrganisation,
  currentUser,
  displayName,
  organisationsOf,
  signIn,
  signOut,
  writerOf,
} from '../session.js';
import { facts, notice, sentence } from '../ui.js';

function changed(): void {
  window.dispatchEvent(new Event('lens:session'));
}

/** Unsent reports deleted at the last sign-out in this tab, told on the sign-in page once. */
let deletedAtSignOut = 0;

const reports = (n: number) => (n === 1 ? '1 report' : `${n} reports`);

/** Draws the sign-in form, or the account with its organisations when signed in. */
export async function signinView(ctx: RouteContext): Promise<void> {
  const { main } = ctx;
  const me = await currentUser();
  const heading = h('h1', { id: 'view-title', tabindex: -1 }, me ? 'Account' : 'Sign in');
  if (me) {
    const orgs = organisationsOf(me);
    const current = activeOrganisation(me);
    const out = h('button', { type: 'button', id: 'sign-out' }, 'Sign out');
    const unsent = outboxOf(writerOf(me)).own.length;
    const warning =
      unsent > 0
        ? h(
            'p',
            { class: 'notice notice-offline', id: 'unsent-warning' },
            `${reports(unsent)} written on this device ${unsent === 1 ? 'is' : 'are'} not sent yet: signing out deletes ${unsent === 1 ? 'it' : 'them'} from this device. Send ${unsent === 1 ? 'it' : 'them'} first (Field report) when the connection returns.`,
          )
        : null;
    out.addEventListener('click', async () => {
      deletedAtSignOut = unsent;
      await signOut().catch(() => undefined);
      changed();
      location.hash = '#/signin';
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    });
    replace(
      main,
      h(
        'div',
        { class: 'view signin' },
        heading,
        facts([
          ['Signed in as', displayName(me)],
          ['Organisation', current?.name ?? '–'],
          ['Role', me.role ?? '–'],
        ]),
        orgs.length > 1 ? organisationSwitcher(orgs, 'organisation') : null,
        warning,
        out,
      ),
    );
    return;
  }
  const result = h('div', { 'aria-live': 'polite', class: 'form-result' });
  if (deletedAtSignOut > 0)
    replace(
      result,
      h(
        'p',
        { role: 'status', class: 'notice', id: 'signed-out-deleted' },
        `Signed out. ${reports(deletedAtSignOut)} not sent ${deletedAtSignOut === 1 ? 'was' : 'were'} deleted from this device.`,
      ),
    );
  deletedAtSignOut = 0;
  const username = h('input', {
    id: 'username',
    name: 'username',
    required: true,
    autocomplete: 'username',
  });
  const password = h('input', {
    id: 'password',
    name: 'password',
    type: 'password',
    required: true,
    autocomplete: 'current-password',
  });
  const form = h(
    'form',
    { class: 'stack', 'aria-labelledby': 'view-title' },
    h('label', { for: 'username' }, 'User name'),
    username,
    h('label', { for: 'password' }, 'Password'),
    password,
    h('button', { type: 'submit' }, 'Sign in'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    if (!form.reportValidity()) return;
    try {
      await signIn({ username: username.value, password: password.value });
      changed();
      location.hash = '#/world';
    } catch (error) {
      // The server's own reason (wrong username or password, locked until…, disabled), not
      // the "sign in to see this" of a read.
      replace(
        result,
        error instanceof ApiError && error.status < 500
          ? h(
              'p',
              { class: 'notice notice-refused', role: 'alert', 'data-state': 'refused' },
              sentence(error.message),
            )
          : notice(error),
      );
      password.focus();
    }
  });
  replace(
    main,
    h(
      'div',
      { class: 'view signin' },
      heading,
      h(
        'p',
        {},
        'Public data needs no account. Sign in to see field reports, alerts and cases shared with your organisation.',
      ),
      form,
      result,
    ),
  );
}
