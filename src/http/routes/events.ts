import type { FastifyInstance } from 'fastify';
import { auditShown } from '../../services/audit.js';
import { countryEvents, MAX_EVENTS } from '../../services/event-list.js';
import type { ApiContext } from '../context.js';
import { paginate } from '../pagination.js';
import { badField, countryParam, dateParam } from '../params.js';
import {
  countryQuery,
  dateOrYear,
  errors,
  open,
  page,
  pageQuery,
  query,
  text,
} from '../schemas.js';

const eventItem = open(
  {
    key: { type: 'string', description: '`source:sourceId`' },
    source: { type: 'string' },
    sourceId: { type: 'string' },
    countryId: { type: 'string' },
    date: open({
      start: { type: 'string' },
      end: { type: 'string' },
      precision: { type: 'string' },
    }),
    place: open({
      name: { type: 'string' },
      admin1: { type: 'string' },
      admin2: { type: 'string' },
      latitude: { type: 'number' },
      longitude: { type: 'number' },
      precision: { type: 'string' },
    }),
    category: { type: 'string' },
    civilianTargeted: { type: 'boolean' },
    deaths: open({ best: { type: 'number' }, low: { type: 'number' }, high: { type: 'number' } }),
    sharing: { type: 'string' },
  },
  'an event of the escalation taxonomy (see `lens escalation taxonomy`)',
);

/** Events (imported datasets and field reports) the caller may see, by country and period. */
export function eventRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{
    Querystring: {
      country: string;
      from?: string;
      to?: string;
      source?: string;
      limit?: number;
      cursor?: string;
    };
  }>(
    '/events',
    {
      schema: {
        tags: ['escalation'],
        summary: `A country's events overlapping [from, to], oldest first (at most ${MAX_EVENTS})`,
        querystring: query(
          {
            country: countryQuery,
            from: dateOrYear,
            to: dateOrYear,
            source: text(20, 'only this source: ucdp-ged, acled, gdelt, report, marker'),
            ...pageQuery,
          },
          ['country'],
        ),
        response: { 200: page(eventItem, 'events, oldest first'), ...errors(429) },
      },
    },
    async (request) => {
      const q = request.query;
      const from = q.from === undefined ? undefined : dateParam(q.from, 'from', 'start');
      const to = q.to === undefined ? undefined : dateParam(q.to, 'to');
      if (from && to && to < from) throw badField('to', 'is before from');
      const country = countryParam(ctx, q.country, 'country');
      return auditShown(
        ctx.store,
        async () =>
          paginate(
            await countryEvents(ctx.store, request.principal, {
              countryId: country.id,
              from,
              to,
              source: q.source,
            }),
            (e) => e.key,
            q,
          ),
        (page) => ({ itemType: 'event', ids: page.items.map((e) => e.key) }),
      );
    },
  );
}
