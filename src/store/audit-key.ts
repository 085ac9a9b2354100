import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, linkSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';
import { InputError } from '../core/errors.js';

/** One secret that signs audit entries, and its public id (stored with each entry it signs). */
export interface AuditKey {
  /** 16 hex characters derived from the secret; reveals nothing of it. */
  id: string;
  secret: Buffer;
}

/** Bytes of a key made by the program (256 bits, written as 64 hex characters). */
const KEY_BYTES = 32;
/** The shortest secret accepted from a file or the environment: 128 bits. */
const MIN_KEY_HEX = 32;

function keyOf(secret: Buffer): AuditKey {
  const id = createHash('sha256')
    .update('atrocity-lens audit key\0')
    .update(secret)
    .digest('hex')
    .slice(0, 16);
  return { id, secret };
}

/**
 * Keys in the text of a key file or of `LENS_AUDIT_KEY`: hex secrets separated by white space
 * or commas, the last one current; `#` starts a comment to the end of the line.
 */
function parseKeys(text: string, where: string): AuditKey[] {
  const words = text
    .split('\n')
    .map((line) => line.replace(/#.*/, ''))
    .join(' ')
    .split(/[\s,]+/)
    .filter((w) => w !== '');
  return words.map((w, i) => {
    if (!/^[0-9a-f]+$/i.test(w) || w.length < MIN_KEY_HEX || w.length % 2 !== 0)
      throw new InputError(`audit key ${i + 1} is not a hex secret`, {
        file: where,
        expected: `at least ${MIN_KEY_HEX} hex characters (make one with \`openssl rand -hex 32\`)`,
      });
    return keyOf(Buffer.from(w, 'hex'));
  });
}

/**
 * The secrets that sign the audit trail, held outside the database: the last key signs new
 * entries, the earlier ones still verify the entries they signed (each entry names its key).
 * Someone who can write to the database but does not hold a key cannot rewrite an entry and
 * recompute the chain after it.
 *
 * The keyring travels with the database connection as a Kysely plugin that changes nothing
 * in queries: transactions opened from a connection keep its plugins, so the append inside
 * any transaction finds the key without every repository passing it along.
 */
export class AuditKeyring implements KyselyPlugin {
  readonly #keys: AuditKey[];

  /**
   * `source`: where the keys come from, for messages (a file path, `LENS_AUDIT_KEY`, or
   * `memory`); `file`: the key file that `rotate` appends to, when there is one.
   */
  constructor(
    keys: readonly AuditKey[],
    readonly source: string,
    readonly file?: string,
  ) {
    if (keys.length === 0) throw new InputError('no audit key', { file: source });
    this.#keys = [...keys];
  }

  /** The key that signs new entries. */
  get current(): AuditKey {
    return this.#keys[this.#keys.length - 1]!;
  }

  /**
   * Whether these keys may sign an unkeyed chain (the chain of a store from before keys, done
   * once by migration 0030). A key file that has done so is sealed by a line of its own (outside
   * the database), so that a database whose migration record and key column were stripped
   * cannot get a forged unkeyed chain signed with a real key. Keys from `LENS_AUDIT_KEY` sign an
   * unkeyed chain only with `LENS_AUDIT_SIGN_LEGACY=1`, set for the one upgrade; keys made in
   * memory for one process always may (nothing outlives them).
   */
  maySignUnkeyedChain(env: NodeJS.ProcessEnv = process.env): boolean {
    if (this.source === 'memory') return true;
    if (this.file === undefined) return env.LENS_AUDIT_SIGN_LEGACY === '1';
    return !readFileSync(this.file, 'utf8').split('\n').includes(SEALED);
  }

  /** Records in the key file that it has signed (or found no) unkeyed chain: see `maySignUnkeyedChain`. */
  seal(): void {
    if (this.file === undefined) return;
    if (readFileSync(this.file, 'utf8').split('\n').includes(SEALED)) return;
    appendFileSync(this.file, `${SEALED}\n`, { mode: 0o600 });
  }

  /** The key with this id, if the ring holds it. */
  find(id: string): AuditKey | undefined {
    return this.#keys.find((k) => k.id === id);
  }

  /**
   * Makes a new key, appends it to the key file and signs with it from now on; the old keys
   * stay to verify what they signed. Keys from `LENS_AUDIT_KEY` are rotated by whoever sets
   * it (an InputError says so).
   */
  rotate(): { previous: AuditKey; current: AuditKey } {
    if (this.file === undefined)
      throw new InputError('the audit keys are not in a file: add a new key at the end', {
        file: this.source,
        expected: 'a new hex key after the others (`openssl rand -hex 32`)',
      });
    const previous = this.current;
    const secret = randomBytes(KEY_BYTES);
    appendFileSync(this.file, `${secret.toString('hex')}\n`, { mode: 0o600 });
    this.#keys.push(keyOf(secret));
    return { previous, current: this.current };
  }

  transformQuery(args: PluginTransformQueryArgs): RootOperationNode {
    return args.node;
  }

  async transformResult(args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return args.result;
  }
}

/** The key file's line saying it has signed a store's chain from before keys. */
const SEALED = '# sealed: an unkeyed chain was signed or found empty; it is never signed again';

/**
 * The audit keys of a store: `LENS_AUDIT_KEY` when set (the keys themselves), else the key
 * file (`LENS_AUDIT_KEY_FILE` when set, else `file`), created with one new key, readable by
 * its owner only, when missing. `file` undefined (a database in memory): a key made for this
 * process alone.
 */
export function loadAuditKeyring(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): AuditKeyring {
  const fromEnv = env.LENS_AUDIT_KEY;
  if (fromEnv !== undefined && fromEnv.trim() !== '')
    return new AuditKeyring(parseKeys(fromEnv, 'LENS_AUDIT_KEY'), 'LENS_AUDIT_KEY');
  const path = env.LENS_AUDIT_KEY_FILE || file;
  if (path === undefined) return new AuditKeyring([keyOf(randomBytes(KEY_BYTES))], 'memory');
  const keys = parseKeys(readOrCreate(path), path);
  if (keys.length === 0)
    throw new InputError('the audit key file holds no key', {
      file: path,
      expected: 'one hex key per line, the last one current',
    });
  return new AuditKeyring(keys, path, path);
}

/** The key file's text; a missing file is created with a new key, atomically (never half written). */
function readOrCreate(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  mkdirSync(dirname(path), { recursive: true });
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(
    draft,
    `# Keys of the atrocity-lens audit trail: keep secret, back up apart from the database.\n` +
      `${randomBytes(KEY_BYTES).toString('hex')}\n`,
    { mode: 0o600 },
  );
  try {
    // A link fails if another process made the file first: then its key is the one to use.
    linkSync(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    rmSync(draft, { force: true });
  }
  return readFileSync(path, 'utf8');
}
