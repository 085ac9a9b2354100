import { sql } from 'kysely';
import type { Kysely } from 'kysely';
import { serialKey } from './context.js';
import type { MigrationContext } from './context.js';

/**
 * The escalation monitor: event imports and events (with their natural key, unique), field
 * reports and their review, each country's current escalation status, alerts, webhook
 * subscriptions and the delivery log.
 */
export async function up(db: Kysely<unknown>, ctx: MigrationContext): Promise<void> {
  await db.schema
    .createTable('event_imports')
    .addColumn('id', 'integer', serialKey(ctx))
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('rows', 'integer', (c) => c.notNull())
    .addColumn('stored', 'integer', (c) => c.notNull())
    .addColumn('new_events', 'integer', (c) => c.notNull())
    .addColumn('unmatched', 'integer', (c) => c.notNull())
    .addColumn('skipped', 'integer', (c) => c.notNull())
    .addColumn('imported_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('event_imports_kind_hash', ['kind', 'content_hash'])
    .execute();
  await db.schema
    .createTable('event_import_unmatched')
    .addColumn('import_id', 'integer', (c) =>
      c.notNull().references('event_imports.id').onDelete('cascade'),
    )
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('keys', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('non_country', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('events')
    .addColumn('id', 'integer', serialKey(ctx))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_id', 'text', (c) => c.notNull())
    .addColumn('country_id', 'text', (c) => c.notNull())
    .addColumn('date_start', 'text', (c) => c.notNull())
    .addColumn('date_end', 'text', (c) => c.notNull())
    .addColumn('date_precision', 'text', (c) => c.notNull())
    .addColumn('place_name', 'text')
    .addColumn('admin1', 'text')
    .addColumn('admin2', 'text')
    .addColumn('admin3', 'text')
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('place_precision', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('civilian_targeted', 'integer', (c) => c.notNull())
    .addColumn('actor1_type', 'text')
    .addColumn('actor1_name', 'text')
    .addColumn('actor2_type', 'text')
    .addColumn('actors', 'text', (c) => c.notNull())
    .addColumn('target_group', 'text')
    .addColumn('deaths_best', 'integer')
    .addColumn('deaths_low', 'integer')
    .addColumn('deaths_high', 'integer')
    .addColumn('accountability', 'text', (c) => c.notNull())
    .addColumn('relates_to', 'text')
    .addColumn('sources', 'text', (c) => c.notNull())
    .addColumn('reliability', 'text', (c) => c.notNull())
    .addColumn('sharing', 'text', (c) => c.notNull())
    .addColumn('review_state', 'text')
    .addColumn('import_id', 'integer')
    .addColumn('line', 'integer')
    .addColumn('release', 'text')
    .addColumn('reported_by', 'text')
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('notes', 'text')
    .addUniqueConstraint('events_natural_key', ['source', 'source_id'])
    .execute();
  // The rules read each category over its own window: one index range per country and
  // category group (also for all countries at once: `country_id in (…)`). No index on the
  // date alone: it would slow bulk imports for no query that needs it.
  await db.schema
    .createIndex('events_by_country_category_date')
    .on('events')
    .columns(['country_id', 'category', 'date_end'])
    .execute();
  await db.schema
    .createTable('field_reports')
    .addColumn('event_id', 'integer', (c) =>
      c.primaryKey().references('events.id').onDelete('cascade'),
    )
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'text')
    .addColumn('review_note', 'text')
    .addColumn('duplicate_of', 'text')
    .addColumn('candidates', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('escalation_status')
    .addColumn('country_id', 'text', (c) => c.primaryKey())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('imminent', 'integer', (c) => c.notNull())
    .addColumn('tier', 'text')
    .addColumn('sharing', 'text', (c) => c.notNull())
    .addColumn('rules', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('alerts')
    .addColumn('id', 'integer', serialKey(ctx))
    .addColumn('dedup_key', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('country_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('indicator', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('as_of', 'text', (c) => c.notNull())
    .addColumn('evidence', 'text', (c) => c.notNull())
    .addColumn('sharing', 'text', (c) => c.notNull())
    .addColumn('raised_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('occurrences', 'integer', (c) => c.notNull())
    .addColumn('acknowledged_at', 'text')
    .addColumn('acknowledged_by', 'text')
    .addColumn('resolved_at', 'text')
    .addColumn('resolved_by', 'text')
    .execute();
  // At most one open alert per key: the database enforces the deduplication.
  await db.schema
    .createIndex('alerts_open_key')
    .on('alerts')
    .column('dedup_key')
    .unique()
    .where(sql.ref('resolved_at'), 'is', null)
    .execute();
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'integer', serialKey(ctx))
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('kinds', 'text')
    .addColumn('country_ids', 'text')
    .addColumn('max_sharing', 'text', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'integer', serialKey(ctx))
    .addColumn('subscription_id', 'integer', (c) =>
      c.notNull().references('webhook_subscriptions.id').onDelete('cascade'),
    )
    .addColumn('alert_id', 'integer', (c) =>
      c.notNull().references('alerts.id').onDelete('cascade'),
    )
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .addUniqueConstraint('webhook_deliveries_once', ['subscription_id', 'alert_id'])
    .execute();
  await db.schema
    .createTable('webhook_attempts')
    .addColumn('delivery_id', 'integer', (c) =>
      c.notNull().references('webhook_deliveries.id').onDelete('cascade'),
    )
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('attempted_at', 'text', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('webhook_attempts_pk', ['delivery_id', 'attempt'])
    .execute();
}
