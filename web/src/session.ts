/**
 * Who is signed in, and in which organisation. The server decides what each request may
 * see (sharing levels); the dashboard only shows who it is acting as and lets the user sign
 * in, out, and switch organisation.
 */
import { ApiError, NotAvailableError, get, request, setCsrfToken } from './api.js';
import type { Me } from './types.js';

let me: Promise<Me | null> | undefined;

/** The signed-in user, or null when nobody is (or the server has no sign-in). */
export function currentUser(): Promise<Me | null> {
  me ??= get<Me>('/me').then(
    (m) => {
      if (m.csrfToken) setCsrfToken(m.csrfToken);
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

/** Signs out. */
export async function signOut(): Promise<void> {
  try {
    await request('DELETE', '/session');
  } finally {
    setCsrfToken(null);
    forgetUser();
  }
}
