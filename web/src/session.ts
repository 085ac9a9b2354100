/**
 * Who is signed in, and in which organisation. The server decides what each request may
 * see (sharing levels); the dashboard only shows who it is acting as and lets the user sign
 * in, out, and switch organisation.
 */
import {
  ApiError,
  NotAvailableError,
  get,
  hasCsrfToken,
  post,
  request,
  setCsrfToken,
} from './api.js';
import { discardWrittenBy } from './outbox.js';
import type { Writer } from './outbox.js';
import type { Me } from './types.js';

let me: Promise<Me | null> | undefined;

/**
 * Asks the server again for the session's CSRF token when this tab has none (a tab opened
 * after signing in: the token is kept per tab, the session cookie per browser). Without it,
 * reads still work and a write says to sign in.
 */
async function recoverCsrfToken(m: Me): Promise<void> {
  if (m.scopes !== undefined || hasCsrfToken()) return;
  try {
    setCsrfToken((await get<{ csrfToken: string }>('/session')).csrfToken);
  } catch {
    // An older server, or a session whose token cannot be given again: sign in to write.
  }
}

/** The signed-in user, or null when nobody is (or the server has no sign-in). */
export function currentUser(): Promise<Me | null> {
  me ??= get<Me>('/me').then(
    async (m) => {
      await recoverCsrfToken(m);
      return m;
    },
    (error: unknown) => {
      if (
        error instanceof NotAvailableError ||
        (error instanceof ApiError && (error.status === 401 || error.status === 403))
      )
        return null;
      me = undefined;
      throw error;
    },
  );
  return me;
}

/**
 * The user as the server sees them now, asked again (after a refusal: the role or the
 * session may have changed since the page was drawn); null when nobody is signed in.
 */
export function freshUser(): Promise<Me | null> {
  me = undefined;
  return currentUser().catch(() => null);
}

/** Forgets the cached user (after sign-in, sign-out or a switch). */
export function forgetUser(): void {
  me = undefined;
}

/** The display name of a user. */
export function displayName(m: Me): string {
  return (
    m.user?.name ??
    m.name ??
    m.username ??
    m.user?.username ??
    m.user?.email ??
    m.email ??
    'signed in'
  );
}

/** An organisation as id and name, whatever shape the server sends. */
export function orgOf(o: { id: string; name: string } | string): { id: string; name: string } {
  return typeof o === 'string' ? { id: o, name: o } : o;
}

/** The user's organisations, as id, name and whether the session acts for it. */
export function organisationsOf(m: Me): { id: string; name: string; active: boolean }[] {
  return (m.organisations ?? []).map((o) => ({
    ...orgOf(o),
    active: typeof o === 'string' ? o === m.organisationId : o.active === true,
  }));
}

/** The organisation the user acts for, if the server says. */
export function activeOrganisation(m: Me): { id: string; name: string } | undefined {
  const active = organisationsOf(m).find((o) => o.active);
  if (active) return active;
  if (m.organisation) return orgOf(m.organisation);
  return m.organisationId ? orgOf(m.organisationId) : undefined;
}

/** A write the server checks by role: what `Me.actions` lists. */
export type Action =
  | 'submit-report'
  | 'review-report'
  | 'override'
  | 'handle-alert'
  | 'open-case'
  | 'work-case'
  | 'administer';

/**
 * Whether the signed-in user's role allows `action` at all, so a view offers only what the
 * user may do: false when nobody is signed in; true when the server does not say (an older
 * server), and then a refusal explains itself.
 */
export function mayDo(m: Me | null, action: Action): boolean {
  if (!m) return false;
  return m.actions === undefined || m.actions.includes(action);
}

/** The user's role where the session acts, in words (`viewer in Prevention office`). */
export function roleWhere(m: Me): string {
  const org = activeOrganisation(m)?.name;
  return `${m.role ?? 'no role'}${org ? ` in ${org}` : ''}`;
}

/** Signs in; keeps the CSRF token the server returns. */
export async function signIn(body: {
  username: string;
  password: string;
  organisation?: string;
}): Promise<void> {
  const r = await request<{ csrfToken?: string } | undefined>('POST', '/session', { body });
  setCsrfToken(r?.csrfToken ?? null);
  forgetUser();
}

/**
 * Makes the session act for another of the user's organisations; every request from then
 * on sees what the user's role there allows. Tells the page (`lens:organisation`) so the
 * header and the view are drawn again with the new organisation's data.
 */
export async function switchOrganisation(organisation: string): Promise<void> {
  await post('/session/organisation', { organisation });
  forgetUser();
  window.dispatchEvent(new Event('lens:organisation'));
}

/** Who reports written now are kept for: the user and the organisation they act for. */
export function writerOf(m: Me | null): Writer | undefined {
  const username = m?.username ?? m?.user?.username;
  const organisationId = m ? activeOrganisation(m)?.id : undefined;
  return username !== undefined && organisationId !== undefined
    ? { username, organisationId }
    : undefined;
}

/**
 * Signs out, and deletes from this device the reports the user kept and did not send (the
 * next person on the device must neither see nor send them), even when the server cannot be
 * reached to end the session.
 */
export async function signOut(): Promise<void> {
  const writer = writerOf(await (me ?? Promise.resolve(null)).catch(() => null));
  try {
    await request('DELETE', '/session');
  } finally {
    discardWrittenBy(writer);
    setCsrfToken(null);
    forgetUser();
  }
}
