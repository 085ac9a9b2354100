import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely';
import type { SqliteDatabase } from 'kysely';
import pg from 'pg';
import { InputError } from '../core/errors.js';
import { loadAuditKeyring } from './audit-key.js';
import type { AuditKeyring } from './audit-key.js';
import type { Schema } from './schema.js';

/** Which database engine a store runs on. */
export type DialectName = 'sqlite' | 'postgres';

/**
 * An open store: the one query layer (`db`) and what differs between engines, expressed as
 * data rather than `if (sqlite)` branches elsewhere. `sqlite` is the raw handle, present
 * only on SQLite, used by the bulk writer for speed.
 */
export interface Store {
  db: Kysely<Schema>;
  dialect: DialectName;
  /** Human-readable location (file path or URL without password). */
  location: string;
  sqlite?: SQLite.Database;
  /** PostgreSQL schema the store lives in (`public` unless configured). */
  pgSchema?: string;
  /** The keys that sign the audit trail (they also travel with `db`, see `AuditKeyring`). */
  auditKeys: AuditKeyring;
  close(): Promise<void>;
}

/** Options of `createStore`. `url` is a file path, `sqlite:PATH`, `:memory:` or `postgres://…`. */
export interface StoreConfig {
  url: string;
  /** PostgreSQL schema to use (created if missing); tests use one per run. Default `public`. */
  pgSchema?: string;
  /** The audit key file; default `auditKeyPath(url)`. `LENS_AUDIT_KEY(_FILE)` override it. */
  auditKeyFile?: string;
}

/** The data folder: `$LENS_DATA_DIR`, else `$XDG_DATA_HOME/atrocity-lens` or `~/.local/share/atrocity-lens`. */
export function defaultDataDir(): string {
  return (
    process.env.LENS_DATA_DIR ??
    join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'atrocity-lens')
  );
}

/** The default SQLite file: `lens.sqlite` in the data folder. */
export function defaultDatabasePath(): string {
  return join(defaultDataDir(), 'lens.sqlite');
}

/**
 * Where the audit keys of a database live by default, outside it: beside a SQLite file, named
 * after it (`lens.sqlite` → `lens.audit-key`); `audit-key` in the data folder for
 * PostgreSQL; none for a database in memory (a key for the process alone).
 */
export function auditKeyPath(url: string): string | undefined {
  if (/^postgres(ql)?:\/\//.test(url)) return join(defaultDataDir(), 'audit-key');
  const path = url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url;
  if (path === ':memory:') return undefined;
  const file = resolve(path);
  return join(dirname(file), `${basename(file, extname(file))}.audit-key`);
}

/** The database to use: the `--db` flag, else `LENS_DATABASE_URL`, else the default file. */
export function resolveDatabaseUrl(flag?: string): string {
  return flag ?? process.env.LENS_DATABASE_URL ?? defaultDatabasePath();
}

/** Opens (and creates, for SQLite) the store; the only place a dialect is chosen. */
export async function createStore(config: StoreConfig): Promise<Store> {
  const url = config.url;
  const postgres = /^postgres(ql)?:\/\//.test(url);
  if (!postgres && /^[a-z][a-z0-9+.-]*:\/\//i.test(url)) {
    throw new InputError(`unsupported database address "${url}"`, {
      expected: 'a SQLite file path or a postgres:// URL',
    });
  }
  const keys = loadAuditKeyring(config.auditKeyFile ?? auditKeyPath(url));
  if (postgres) return createPostgres(url, keys, config.pgSchema);
  return createSqlite(url.startsWith('sqlite:') ? url.slice('sqlite:'.length) : url, keys);
}

function createSqlite(path: string, auditKeys: AuditKeyring): Store {
  const file = path === ':memory:' ? path : resolve(path);
  if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true });
  let sqlite: SQLite.Database;
  try {
    sqlite = new SQLite(file);
  } catch (error) {
    throw new InputError(`cannot open SQLite database: ${(error as Error).message}`, {
      file,
    });
  }
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  // 256 MB of page cache: bulk imports touch the observation indexes all over.
  sqlite.pragma('cache_size = -262144');
  const db = new Kysely<Schema>({
    dialect: new SqliteDialect({ database: withStatementCache(sqlite) }),
    plugins: [auditKeys],
  });
  return {
    db,
    dialect: 'sqlite',
    location: file,
    sqlite,
    auditKeys,
    close: () => db.destroy(),
  };
}

/** Prepared statements kept per SQL text (all dropped when this many are held). */
const STATEMENT_CACHE_SIZE = 500;

/**
 * The database as Kysely's SQLite dialect sees it, with prepared statements reused: Kysely
 * asks for a new statement on every query, and preparing one costs more than running most
 * of the store's small queries (a field report runs about thirty). A statement still being
 * iterated is never handed out again; a new one is prepared instead.
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(text: string) {
      const cached = cache.get(text);
      if (cached && !cached.busy) return cached;
      const statement = sqlite.prepare(text);
      if (cache.size >= STATEMENT_CACHE_SIZE) cache.clear();
      cache.set(text, statement);
      return statement;
    },
  };
}

async function createPostgres(
  url: string,
  auditKeys: AuditKeyring,
  schema?: string,
): Promise<Store> {
  // Numeric columns come back as JS numbers: bigint (int8) and numeric are parsed here.
  pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
  pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number(v));
  const pool = new pg.Pool({
    connectionString: url,
    max: 4,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  });
  const location = url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
  try {
    const client = await pool.connect();
    try {
      if (schema) await client.query(`create schema if not exists "${schema}"`);
    } finally {
      client.release();
    }
  } catch (error) {
    await pool.end();
    throw new InputError(
      `cannot connect to PostgreSQL at ${location}: ${(error as Error).message}`,
    );
  }
  const db = new Kysely<Schema>({ dialect: new PostgresDialect({ pool }), plugins: [auditKeys] });
  return {
    db,
    dialect: 'postgres',
    location,
    pgSchema: schema ?? 'public',
    auditKeys,
    close: () => db.destroy(),
  };
}
