/**
 * Sign-in and organisation switching. The server keeps the session in a cookie and returns
 * a CSRF token for the requests that change data; what a user sees depends on the sharing
 * level of each item and the user's organisation, decided by the server.
 */
import { ApiError } from '../api.js';
import { h, replace } from '../dom.js';
import { organisationSwitcher } from '../organisation-switcher.js';
import type { RouteContext } from '../router.js';
import {
  activeOrganisation,
  currentUser,
  displayName,
  organisationsOf,
  signIn,
  signOut,
} from '../session.js';
import { facts, notice, sentence } from '../ui.js';

function changed(): void {
  window.dispatchEvent(new Event('lens:session'));
}

/** Draws the sign-in form, or the account with its organisations when signed in. */
export async function signinView(ctx: RouteContext): Promise<void> {
  const { main } = ctx;
  const me = await currentUser();
  const heading = h('h1', { id: 'view-title', tabindex: -1 }, me ? 'Account' : 'Sign in');
  if (me) {
    const orgs = organisationsOf(me);
    const current = activeOrganisation(me);
    const out = h('button', { type: 'button', id: 'sign-out' }, 'Sign out');
    out.addEventListener('click', async () => {
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
        out,
      ),
    );
    return;
  }
  const result = h('div', { 'aria-live': 'polite', class: 'form-result' });
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
