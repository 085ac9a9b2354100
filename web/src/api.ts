/**
 * The dashboard's only door to the data: the HTTP API under `/api/v1`. Errors arrive as
 * application/problem+json; a route this server does not have becomes `NotAvailableError`
 * so a view can say so instead of breaking.
 */

/** The base path of the API. */
export const API = '/api/v1';

/** A problem document (RFC 9457) as the API sends it. */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  [extension: string]: unknown;
}

/** The API answered with an error status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title ?? `HTTP ${status}`);
    this.name = 'ApiError';
  }
}

/** The server has no such route (an older or partial server). */
export class NotAvailableError extends Error {
  constructor(readonly path: string) {
    super(`not available on this server (${path})`);
    this.name = 'NotAvailableError';
  }
}

/** The request never reached the server (offline, connection refused). */
export class NetworkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NetworkError';
  }
}

/** A page of a list: `items`, the total when known, and the cursor of the next page. */
export interface Page<T> {
  items: T[];
  total?: number;
  next?: string | null;
}

const CSRF_KEY = 'lens.csrf';

/** Keeps the CSRF token returned at sign-in for the unsafe requests of this tab. */
export function setCsrfToken(token: string | null): void {
  if (token) sessionStorage.setItem(CSRF_KEY, token);
  else sessionStorage.removeItem(CSRF_KEY);
}

/** Whether this tab holds a CSRF token (a new tab has none until it asks for it again). */
export function hasCsrfToken(): boolean {
  return sessionStorage.getItem(CSRF_KEY) !== null;
}

/** Query parameters; undefined, null and empty values are left out. */
export type Query = Record<string, string | number | boolean | null | undefined>;

/** `path` with its query string. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

function missingRoute(status: number, body: Problem | null, contentType: string): boolean {
  if (status === 501) return true;
  if (status !== 404 && status !== 405) return false;
  if (!contentType.includes('json')) return true;
  const text = `${body?.title ?? ''} ${body?.detail ?? ''} ${String(body?.message ?? '')}`;
  return /\broute\b/i.test(text);
}

/** Sends one request to the API and returns its JSON body (undefined for 204). */
export async function request<T>(
  method: string,
  path: string,
  options: { query?: Query; body?: unknown } = {},
): Promise<T> {
  const url = withQuery(`${API}${path}`, options.query);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD') {
    const token = sessionStorage.getItem(CSRF_KEY);
    if (token) headers['x-csrf-token'] = token;
  }
  let response: Response;
  try {
    response = await fetch(url, {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch (error) {
    throw new NetworkError(error instanceof Error ? error.message : String(error));
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (response.status === 204) return undefined as T;
  const body: unknown = contentType.includes('json') ? await response.json() : null;
  if (!response.ok) {
    const problem = (body ?? {}) as Problem;
    if (missingRoute(response.status, body as Problem | null, contentType)) {
      throw new NotAvailableError(path);
    }
    throw new ApiError(response.status, problem);
  }
  if (body === null) throw new NotAvailableError(path);
  return body as T;
}

/** GET a JSON document. */
export function get<T>(path: string, query?: Query): Promise<T> {
  return request<T>('GET', path, { query });
}

/** POST a JSON body. */
export function post<T>(path: string, body?: unknown): Promise<T> {
  return request<T>('POST', path, { body: body ?? {} });
}

/** The items of a list answer, whether it came as `{ items }` or as a bare array. */
export function itemsOf<T>(page: Page<T> | T[]): T[] {
  return Array.isArray(page) ? page : page.items;
}

/** Every item of a paged list, following the `next` cursors (at most `max` items). */
export async function getAll<T>(path: string, query: Query = {}, max = 5000): Promise<T[]> {
  const out: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await get<Page<T>>(path, { ...query, limit: 500, cursor });
    out.push(...page.items);
    cursor = page.next ?? undefined;
  } while (cursor && out.length < max);
  return out;
}
