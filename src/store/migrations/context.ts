import type { ColumnDefinitionBuilder } from 'kysely';
import type { DialectName } from '../database.js';

/** What a migration may know of the engine it runs on. */
export interface MigrationContext {
  dialect: DialectName;
}

/** An auto-numbered integer primary key, in each engine's own way. */
export function serialKey(ctx: MigrationContext) {
  return (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    ctx.dialect === 'sqlite'
      ? c.primaryKey().autoIncrement()
      : c.primaryKey().generatedByDefaultAsIdentity();
}
