import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/services/context.js';
import type { Store } from '../../src/store/database.js';

/** A database engine the repository tests run on, and how to get a fresh empty store. */
export interface StoreTarget {
  name: 'sqlite' | 'postgres';
  /** A new, empty, migrated store of its own (a temp file, or a fresh PostgreSQL schema). */
  fresh(): Promise<Store>;
  /**
   * Where a new store with no tables yet would live (for tests of migrations), with its audit
   * key file, dropped by `cleanup`.
   */
  blank(): { url: string; pgSchema?: string; auditKeyFile?: string };
  /** Drops everything `fresh` created. */
  cleanup(): Promise<void>;
}

const pgUrl = process.env.LENS_TEST_DATABASE_URL;

function sqliteTarget(): StoreTarget {
  const dirs: string[] = [];
  return {
    name: 'sqlite',
    async fresh() {
      const dir = mkdtempSync(join(tmpdir(), 'lens-test-'));
      dirs.push(dir);
      return openStore(join(dir, 'lens.sqlite'));
    },
    blank() {
      const dir = mkdtempSync(join(tmpdir(), 'lens-test-'));
      dirs.push(dir);
      return { url: join(dir, 'lens.sqlite') };
    },
    async cleanup() {
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    },
  };
}

function postgresTarget(url: string): StoreTarget {
  const schemas: string[] = [];
  // The audit keys of the test schemas, rather than in the data folder of whoever runs them.
  let keyDir: string | undefined;
  const auditKeyFile = (schema: string) => {
    keyDir ??= mkdtempSync(join(tmpdir(), 'lens-test-keys-'));
    return join(keyDir, `${schema}.audit-key`);
  };
  return {
    name: 'postgres',
    async fresh() {
      const schema = `lens_test_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return openStore(url, schema, { auditKeyFile: auditKeyFile(schema) });
    },
    blank() {
      const schema = `lens_test_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      return { url, pgSchema: schema, auditKeyFile: auditKeyFile(schema) };
    },
    async cleanup() {
      if (keyDir !== undefined) rmSync(keyDir, { recursive: true, force: true });
      keyDir = undefined;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        for (const s of schemas.splice(0))
          await client.query(`drop schema if exists "${s}" cascade`);
      } finally {
        await client.end();
      }
    },
  };
}

/** The engines to test: SQLite always; PostgreSQL when LENS_TEST_DATABASE_URL is set. */
export function storeTargets(): StoreTarget[] {
  return pgUrl ? [sqliteTarget(), postgresTarget(pgUrl)] : [sqliteTarget()];
}

/**
 * Runs the same suite on every engine (the contract suite pattern): `body` gets the target
 * and registers its tests. PostgreSQL is reported as skipped, with the reason, when
 * LENS_TEST_DATABASE_URL is unset.
 */
export function onEveryStore(title: string, body: (target: StoreTarget) => void): void {
  for (const target of storeTargets()) {
    describe(`${title} [${target.name}]`, () => body(target));
  }
  if (!pgUrl) {
    describe(`${title} [postgres]`, { skip: 'LENS_TEST_DATABASE_URL is not set' }, () => {});
  }
}
