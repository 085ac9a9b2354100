import { sql } from 'kysely';
import type { Kysely } from 'kysely';

/**
 * Accountability an imported dataset does not code is unknown, not "none known": events
 * of UCDP GED, ACLED and GDELT stored as `none-known` before this migration become
 * `unknown`, so that they are no longer read as evidence of impunity. Field reports keep
 * what their reporter said.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`update events set accountability = 'unknown'
    where accountability = 'none-known' and source in ('ucdp-ged', 'acled', 'gdelt')`.execute(db);
}
