/**
 * JSON Schema pieces shared by the routes. Every route declares its params, querystring, body
 * and answers with them, so requests are validated and the OpenAPI document is generated from
 * the same text. Response objects describe their main fields and allow more
 * (`additionalProperties: true`): the services' reports are the contract, and a field the
 * schema does not list is still sent, never dropped.
 */

/** A JSON Schema object, as Fastify and the OpenAPI generator take it. */
export type Schema = Record<string, unknown>;

/** `YYYY-MM-DD` or a year (read as its last day, or its first day for `from`). */
export const dateOrYear = {
  type: 'string',
  pattern: '^\\d{4}(-\\d{2}-\\d{2})?$',
  description: 'YYYY-MM-DD, or a year',
} as const;

/** A calendar year. */
export const year = { type: 'integer', minimum: 1800, maximum: 2200 } as const;

/** A short text from a client: bounded, no control characters. */
export function text(maxLength: number, description?: string): Schema {
  return {
    type: 'string',
    minLength: 1,
    maxLength,
    pattern: '^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f]*$',
    ...(description ? { description } : {}),
  };
}

/** A country as the client names it: registry id, name or code. */
export const countryQuery = text(
  100,
  'a country: registry id, name, or COW, G-W, ISO or V-Dem code',
);

/** A whole-number id in a path. */
export const idParams = {
  type: 'object',
  properties: { id: { type: 'integer', minimum: 1, maximum: 2147483647 } },
  required: ['id'],
  additionalProperties: false,
} as const;

/** Largest page a client may ask for. */
export const MAX_LIMIT = 500;
/** Page size when the client does not say. */
export const DEFAULT_LIMIT = 100;

/** `limit` and `cursor` of every paginated list. */
export const pageQuery = {
  limit: {
    type: 'integer',
    minimum: 1,
    maximum: MAX_LIMIT,
    default: DEFAULT_LIMIT,
    description: `items per page (at most ${MAX_LIMIT})`,
  },
  cursor: {
    type: 'string',
    maxLength: 400,
    pattern: '^[A-Za-z0-9_-]+$',
    description: 'the `next` of the previous page',
  },
} as const;

/** A query object schema that refuses unknown parameters. */
export function query(properties: Record<string, unknown>, required: string[] = []): Schema {
  return {
    type: 'object',
    properties,
    ...(required.length ? { required } : {}),
    additionalProperties: false,
  };
}

/** An object whose listed fields are described and whose other fields pass through. */
export function open(properties: Record<string, unknown> = {}, description?: string): Schema {
  return {
    type: 'object',
    properties,
    additionalProperties: true,
    ...(description ? { description } : {}),
  };
}

/** The envelope of every list: `items`, `total` (all items), `next` (cursor of the next page, null on the last). */
export function page(item: Schema, description: string): Schema {
  return {
    type: 'object',
    description,
    properties: {
      items: { type: 'array', items: item },
      total: { type: 'integer' },
      next: { type: ['string', 'null'] },
    },
    required: ['items', 'total', 'next'],
  };
}

/** A list that is never long enough to need pages: `items` and `total`. */
export function list(item: Schema, description: string): Schema {
  return {
    type: 'object',
    description,
    properties: { items: { type: 'array', items: item }, total: { type: 'integer' } },
    required: ['items', 'total'],
  };
}

/** A country as answers name it (the JSON contract of `lens assess`). */
export const countryRef = open(
  {
    id: { type: 'string' },
    name: { type: 'string' },
    cow: { type: 'integer' },
    iso3: { type: 'string' },
  },
  'a country: registry id, name, and its COW and ISO 3166 alpha-3 codes',
);

const problemAnswer = {
  description: 'an RFC 9457 problem document',
  content: { 'application/problem+json': { schema: { $ref: 'Problem#' } } },
};

/** The error answers every route may give, besides its own. */
export function errors(...statuses: number[]): Record<number, unknown> {
  const out: Record<number, unknown> = {};
  for (const s of [400, ...statuses, 500]) out[s] = problemAnswer;
  return out;
}
