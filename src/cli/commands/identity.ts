import { randomBytes } from 'node:crypto';
import { Option } from 'commander';
import type { Command } from 'commander';
import { InputError } from '../../core/errors.js';
import { auditTrail, rotateAuditKey, verifyAudit } from '../../services/audit.js';
import type { AuditEntry } from '../../services/audit.js';
import { CASE_STEPS, advanceCase, caseById, cases, openCase } from '../../services/cases.js';
import type { Case, CaseAction, CaseStepName } from '../../services/cases.js';
import { withStore } from '../../services/context.js';
import { findCountry } from '../../services/data.js';
import { loadCountryRegistry } from '../../services/countries.js';
import {
  ORGANISATION_KINDS,
  ROLES,
  SCOPES,
  SYSTEM,
  addMembership,
  apiTokens,
  createApiToken,
  createOrganisation,
  createUser,
  organisations,
  removeMembership,
  revokeApiToken,
  setPassword,
  setUserDisabled,
  userMemberships,
  users,
} from '../../services/identity.js';
import type { OrganisationMembership, User } from '../../services/identity.js';
import { agreements, shareWith, withdrawAgreement } from '../../services/sharing.js';
import type { AgreementRecord } from '../../services/sharing.js';
import { formatOption, wholeNumber } from '../options.js';
import { print, render } from '../output.js';
import type { Format } from '../output.js';

type Db = () => string | undefined;

function out(text: string): void {
  print(text);
}

/** The whole of standard input, without the final line break (a password piped in). */
async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function printUsers(format: Format, list: readonly User[]): void {
  out(
    render(format, { users: list }, list, [
      { header: 'id', value: (u) => u.id, right: true },
      { header: 'username', value: (u) => u.username },
      { header: 'name', value: (u) => u.displayName },
      { header: 'organisation', value: (u) => u.organisationId },
      { header: 'role', value: (u) => u.role },
      { header: 'disabled', value: (u) => (u.disabled ? 'yes' : '') },
      { header: 'locked until', value: (u) => u.lockedUntil },
    ]),
  );
}

function printMemberships(
  format: Format,
  username: string,
  list: readonly OrganisationMembership[],
): void {
  out(
    render(format, { user: username, memberships: list }, list, [
      { header: 'organisation', value: (m) => m.id },
      { header: 'name', value: (m) => m.name },
      { header: 'kind', value: (m) => m.kind },
      { header: 'role', value: (m) => m.role },
      { header: 'home', value: (m) => (m.home ? 'yes' : '') },
    ]),
  );
}

function printAgreements(format: Format, list: readonly AgreementRecord[]): void {
  out(
    render(format, { agreements: list }, list, [
      { header: 'id', value: (a) => a.id, right: true },
      { header: 'from', value: (a) => a.fromOrg },
      { header: 'to', value: (a) => a.toOrg },
      { header: 'up to', value: (a) => a.maxTlp },
      { header: 'by', value: (a) => a.createdBy },
      { header: 'at', value: (a) => a.createdAt },
      { header: 'withdrawn', value: (a) => a.withdrawnAt },
    ]),
  );
}

function printCases(format: Format, list: readonly Case[]): void {
  out(
    render(format, { cases: list }, list, [
      { header: 'id', value: (c) => c.id, right: true },
      { header: 'alert', value: (c) => c.alertId, right: true },
      { header: 'country', value: (c) => c.countryId },
      { header: 'track', value: (c) => (c.fastTrack ? 'FAST' : 'normal') },
      { header: 'org', value: (c) => c.organisationId },
      { header: 'tlp', value: (c) => c.tlp },
      { header: 'status', value: (c) => c.status },
      { header: 'step', value: (c) => c.currentStep },
      {
        header: 'overdue',
        value: (c) =>
          c.steps
            .filter((s) => s.overdue)
            .map((s) => s.step)
            .join(' '),
      },
      { header: 'warning to decision (h)', value: (c) => c.warningToDecisionHours, right: true },
      { header: 'elapsed (h)', value: (c) => c.elapsedHours, right: true },
    ]),
  );
}

function printCase(format: Format, c: Case): void {
  if (format === 'json') {
    out(JSON.stringify(c, null, 2));
    return;
  }
  printCases(format, [c]);
  out('');
  out(
    render(format, c, c.steps, [
      { header: 'step', value: (s) => s.step },
      { header: 'status', value: (s) => s.status },
      { header: 'owner', value: (s) => s.ownerUsername },
      { header: 'opened', value: (s) => s.openedAt },
      { header: 'started', value: (s) => s.startedAt },
      { header: 'completed', value: (s) => s.completedAt },
      { header: 'due', value: (s) => s.dueAt },
      { header: 'overdue', value: (s) => (s.overdue ? 'OVERDUE' : '') },
      { header: 'note', value: (s) => s.note },
    ]),
  );
}

/**
 * `lens orgs …`, `lens users …`, `lens tokens …`, `lens audit …` and `lens cases …`:
 * identity, sharing agreements, the audit trail and cases from warning to decision, run by
 * the local operator of the database. `db()` gives the `--db` flag of the root command.
 */
export function registerIdentityCommands(program: Command, db: Db): void {
  const orgs = program.command('orgs').description('organisations and their sharing agreements');
  orgs
    .command('add')
    .description('add an organisation')
    .argument('<id>', 'short id: lower-case letters, digits, dashes (e.g. au-cews)')
    .requiredOption('--name <name>', 'full name')
    .addOption(
      new Option('--kind <kind>', 'what it is').choices(ORGANISATION_KINDS).makeOptionMandatory(),
    )
    .addOption(formatOption())
    .action(async (id: string, opts: { name: string; kind: string; format: Format }) => {
      const org = await withStore(db(), (store) =>
        createOrganisation(store, SYSTEM, { id, name: opts.name, kind: opts.kind }),
      );
      out(
        opts.format === 'json'
          ? JSON.stringify(org, null, 2)
          : `organisation ${org.id} added (${org.kind})`,
      );
    });
  orgs
    .command('list')
    .description('every organisation')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const list = await withStore(db(), (store) => organisations(store, SYSTEM));
      out(
        render(opts.format, { organisations: list }, list, [
          { header: 'id', value: (o) => o.id },
          { header: 'name', value: (o) => o.name },
          { header: 'kind', value: (o) => o.kind },
          { header: 'since', value: (o) => o.createdAt },
        ]),
      );
    });
  orgs
    .command('share')
    .description(
      'FROM shares its items up to --tlp with TO (one way; run it twice, swapped, to exchange both ways)',
    )
    .argument('<from>', 'the organisation that shares')
    .argument('<to>', 'the organisation that receives')
    .addOption(
      new Option('--tlp <level>', 'highest level shared: GREEN or AMBER').makeOptionMandatory(),
    )
    .addOption(formatOption())
    .action(async (from: string, to: string, opts: { tlp: string; format: Format }) => {
      const a = await withStore(db(), (store) =>
        shareWith(store, SYSTEM, { from, to, tlp: opts.tlp }),
      );
      printAgreements(opts.format, [a]);
    });
  orgs
    .command('unshare')
    .description('withdraw a sharing agreement')
    .argument('<id>', 'agreement id (from `lens orgs agreements`)', wholeNumber('<id>'))
    .action(async (id: number) => {
      await withStore(db(), (store) => withdrawAgreement(store, SYSTEM, id));
      out(`agreement ${id} withdrawn`);
    });
  orgs
    .command('agreements')
    .description('sharing agreements (active ones; --all: withdrawn too)')
    .option('--all', 'withdrawn agreements too')
    .addOption(formatOption())
    .action(async (opts: { all?: boolean; format: Format }) => {
      printAgreements(
        opts.format,
        await withStore(db(), (store) => agreements(store, SYSTEM, { all: opts.all })),
      );
    });

  const usersCmd = program.command('users').description('people who sign in');
  usersCmd
    .command('add')
    .description('add a user to an organisation')
    .argument('<username>', 'lower-case letters, digits, dashes')
    .requiredOption('--org <id>', 'their organisation')
    .addOption(new Option('--role <role>', 'their role').choices(ROLES).makeOptionMandatory())
    .option('--name <name>', 'display name (default the username)')
    .option('--email <email>', 'email address')
    .option('--password-stdin', 'read the password from standard input (else none: tokens only)')
    .addOption(formatOption())
    .action(
      async (
        username: string,
        opts: {
          org: string;
          role: string;
          name?: string;
          email?: string;
          passwordStdin?: boolean;
          format: Format;
        },
      ) => {
        const password = opts.passwordStdin ? await readStdin() : undefined;
        const user = await withStore(db(), (store) =>
          createUser(store, SYSTEM, {
            username,
            displayName: opts.name,
            email: opts.email,
            organisationId: opts.org,
            role: opts.role,
            password,
          }),
        );
        printUsers(opts.format, [user]);
      },
    );
  usersCmd
    .command('list')
    .description('users, by username')
    .option('--org <id>', 'only this organisation')
    .addOption(formatOption())
    .action(async (opts: { org?: string; format: Format }) => {
      printUsers(opts.format, await withStore(db(), (store) => users(store, SYSTEM, opts.org)));
    });
  for (const [name, disabled] of [
    ['disable', true],
    ['enable', false],
  ] as const) {
    usersCmd
      .command(name)
      .description(
        disabled ? 'stop a user from signing in (ends their sessions)' : 'let a user sign in again',
      )
      .argument('<username>', 'the user')
      .addOption(formatOption())
      .action(async (username: string, opts: { format: Format }) => {
        printUsers(opts.format, [
          await withStore(db(), (store) => setUserDisabled(store, SYSTEM, username, disabled)),
        ]);
      });
  }
  usersCmd
    .command('add-membership')
    .description('make a user a member of another organisation, with a role there')
    .requiredOption('--user <username>', 'the user')
    .requiredOption('--org <id>', 'the organisation')
    .addOption(new Option('--role <role>', 'their role there').choices(ROLES).makeOptionMandatory())
    .addOption(formatOption())
    .action(async (opts: { user: string; org: string; role: string; format: Format }) => {
      const list = await withStore(db(), (store) =>
        addMembership(store, SYSTEM, {
          username: opts.user,
          organisationId: opts.org,
          role: opts.role,
        }),
      );
      printMemberships(opts.format, opts.user, list);
    });
  usersCmd
    .command('remove-membership')
    .description(
      "end a user's membership of an organisation (not their home one); their sessions acting for it and tokens bound to it stop working",
    )
    .requiredOption('--user <username>', 'the user')
    .requiredOption('--org <id>', 'the organisation')
    .addOption(formatOption())
    .action(async (opts: { user: string; org: string; format: Format }) => {
      const list = await withStore(db(), (store) =>
        removeMembership(store, SYSTEM, { username: opts.user, organisationId: opts.org }),
      );
      printMemberships(opts.format, opts.user, list);
    });
  usersCmd
    .command('memberships')
    .description("a user's organisations and their role in each")
    .requiredOption('--user <username>', 'the user')
    .addOption(formatOption())
    .action(async (opts: { user: string; format: Format }) => {
      printMemberships(
        opts.format,
        opts.user,
        await withStore(db(), (store) => userMemberships(store, SYSTEM, opts.user)),
      );
    });
  usersCmd
    .command('reset-password')
    .description(
      'set a new password (unlocks the account, ends its sessions); without --password-stdin a random one is printed once',
    )
    .argument('<username>', 'the user')
    .option('--password-stdin', 'read the new password from standard input')
    .action(async (username: string, opts: { passwordStdin?: boolean }) => {
      const password = opts.passwordStdin
        ? await readStdin()
        : randomBytes(18).toString('base64url');
      await withStore(db(), (store) => setPassword(store, SYSTEM, username, password));
      out(
        opts.passwordStdin
          ? `password of ${username} changed`
          : `new password of ${username} (shown once): ${password}`,
      );
    });

  const tokens = program.command('tokens').description('API tokens for programs');
  tokens
    .command('create')
    .description('create an API token for a user (printed once; only its hash is kept)')
    .requiredOption('--user <username>', 'whose token it is')
    .requiredOption('--name <name>', 'what it is for')
    .option('--scopes <scopes>', `comma-separated: ${SCOPES.join(', ')}`, 'read')
    .option(
      '--org <id>',
      "the organisation it acts for, one of the user's (default their home organisation)",
    )
    .option('--expires <date>', 'ISO date or timestamp after which it stops working')
    .addOption(formatOption())
    .action(
      async (opts: {
        user: string;
        name: string;
        scopes: string;
        org?: string;
        expires?: string;
        format: Format;
      }) => {
        const created = await withStore(db(), (store) =>
          createApiToken(store, SYSTEM, {
            username: opts.user,
            name: opts.name,
            scopes: opts.scopes
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
            organisationId: opts.org,
            expiresAt: opts.expires,
          }),
        );
        if (opts.format === 'json') out(JSON.stringify(created, null, 2));
        else
          out(
            `token ${created.record.id} for ${created.record.username} in ${created.record.organisationId} (${created.record.scopes.join(', ')}), shown once:\n${created.token}`,
          );
      },
    );
  tokens
    .command('list')
    .description('API tokens (never the tokens themselves)')
    .addOption(formatOption())
    .action(async (opts: { format: Format }) => {
      const list = await withStore(db(), (store) => apiTokens(store, SYSTEM));
      out(
        render(opts.format, { tokens: list }, list, [
          { header: 'id', value: (t) => t.id, right: true },
          { header: 'user', value: (t) => t.username },
          { header: 'org', value: (t) => t.organisationId },
          { header: 'name', value: (t) => t.name },
          { header: 'scopes', value: (t) => t.scopes.join(' ') },
          { header: 'created', value: (t) => t.createdAt },
          { header: 'expires', value: (t) => t.expiresAt },
          { header: 'revoked', value: (t) => t.revokedAt },
          { header: 'last used', value: (t) => t.lastUsedAt },
        ]),
      );
    });
  tokens
    .command('revoke')
    .description('revoke an API token')
    .argument('<id>', 'token id (from `lens tokens list`)', wholeNumber('<id>'))
    .action(async (id: number) => {
      await withStore(db(), (store) => revokeApiToken(store, SYSTEM, id));
      out(`token ${id} revoked`);
    });

  const audit = program
    .command('audit')
    .description('the append-only audit trail, chained by hashes keyed with the audit key');
  audit
    .command('verify')
    .description(
      'check the whole chain: any edited, deleted, inserted, reordered or rewritten entry is found',
    )
    .option(
      '--expect-head <hash>',
      'a head hash noted earlier: also detects entries removed from the end',
    )
    .addOption(formatOption(['table', 'json']))
    .action(async (opts: { expectHead?: string; format: Format }) => {
      const r = await withStore(db(), (store) =>
        verifyAudit(store, SYSTEM, { expectHead: opts.expectHead }),
      );
      if (opts.format === 'json') out(JSON.stringify(r, null, 2));
      else if (r.ok) out(`audit trail intact: ${r.entries} entries, head ${r.head}`);
      if (r.ok) return;
      const where = r.broken
        ? `at entry ${r.broken.seq}: ${r.broken.reason}`
        : `the noted head ${opts.expectHead} is the hash of no entry of the chain: entries were removed from its end since it was noted, or the chain was rewritten by someone holding the audit key`;
      throw new Error(`audit trail broken ${where}`);
    });
  audit
    .command('rotate-key')
    .description(
      'sign new audit entries with a new key, appended to the key file (the old keys stay to verify older entries)',
    )
    .action(async () => {
      const r = await withStore(db(), (store) => rotateAuditKey(store, SYSTEM));
      out(`audit key ${r.current} now signs new entries (was ${r.previous}); keys in ${r.file}`);
    });
  audit
    .command('list')
    .description('audit entries in order')
    .option('--after <seq>', 'only entries after this one', wholeNumber('--after'))
    .option('--limit <n>', 'at most this many', wholeNumber('--limit'), 100)
    .option('--item-type <type>', 'only items of this type (field-report, alert, case, user, …)')
    .option('--item <id>', 'only this item id')
    .addOption(formatOption())
    .action(
      async (opts: {
        after?: number;
        limit: number;
        itemType?: string;
        item?: string;
        format: Format;
      }) => {
        const list = await withStore(db(), (store) =>
          auditTrail(store, SYSTEM, {
            afterSeq: opts.after,
            limit: opts.limit,
            itemType: opts.itemType,
            itemId: opts.item,
          }),
        );
        out(
          render(opts.format, { entries: list }, list, [
            { header: 'seq', value: (e: AuditEntry) => e.seq, right: true },
            { header: 'at', value: (e) => e.at },
            { header: 'actor', value: (e) => e.actor },
            { header: 'action', value: (e) => e.action },
            { header: 'item', value: (e) => `${e.itemType}${e.itemId ? ` ${e.itemId}` : ''}` },
            { header: 'detail', value: (e) => JSON.stringify(e.detail) },
            { header: 'hash', value: (e) => e.hash.slice(0, 16) },
          ]),
        );
      },
    );

  const casesCmd = program
    .command('cases')
    .description('from warning to decision: assessment, advice, decision');
  casesCmd
    .command('open')
    .description('open a case from an alert (imminent alerts go on the fast track)')
    .requiredOption('--alert <id>', 'the alert', wholeNumber('--alert'))
    .requiredOption('--org <id>', 'the organisation that owns the case')
    .option('--tlp <level>', "sharing level (default the alert's, at least AMBER)")
    .addOption(formatOption())
    .action(async (opts: { alert: number; org: string; tlp?: string; format: Format }) => {
      const c = await withStore(db(), (store) =>
        openCase(store, SYSTEM, { alertId: opts.alert, organisationId: opts.org, tlp: opts.tlp }),
      );
      printCase(opts.format, c);
    });
  casesCmd
    .command('list')
    .description('cases, newest first, with the time from warning to decision')
    .addOption(
      new Option('--status <status>', 'only open or decided ones').choices(['open', 'decided']),
    )
    .option('--country <country>', 'only this country')
    .addOption(formatOption())
    .action(async (opts: { status?: 'open' | 'decided'; country?: string; format: Format }) => {
      const countryId = opts.country
        ? findCountry(loadCountryRegistry(), opts.country).id
        : undefined;
      printCases(
        opts.format,
        await withStore(db(), (store) => cases(store, SYSTEM, { status: opts.status, countryId })),
      );
    });
  casesCmd
    .command('show')
    .description('one case and its steps')
    .argument('<id>', 'case id', wholeNumber('<id>'))
    .addOption(formatOption())
    .action(async (id: number, opts: { format: Format }) => {
      const c = await withStore(db(), (store) => caseById(store, SYSTEM, id));
      if (!c) throw new InputError(`no case ${id}`, { expected: 'an id from `lens cases list`' });
      printCase(opts.format, c);
    });
  casesCmd
    .command('advance')
    .description(
      'move a case on: --assign a step to someone, --start it, or (by default) complete the current step',
    )
    .argument('<id>', 'case id', wholeNumber('<id>'))
    .addOption(
      new Option('--step <step>', 'the step (default the current one)').choices(CASE_STEPS),
    )
    .option(
      '--assign <username>',
      'give the step to this user (of the owner, or of an organisation it shares with)',
    )
    .option('--start', 'mark the step started')
    .option('--note <text>', 'the outcome of the step (for the decision: the decision)')
    .addOption(formatOption())
    .action(
      async (
        id: number,
        opts: {
          step?: CaseStepName;
          assign?: string;
          start?: boolean;
          note?: string;
          format: Format;
        },
      ) => {
        if (opts.assign !== undefined && opts.start)
          throw new InputError('--assign and --start do not go together', {
            column: '--start',
            expected: 'one action at a time',
          });
        const action: CaseAction =
          opts.assign !== undefined
            ? { action: 'assign', username: opts.assign }
            : opts.start
              ? { action: 'start' }
              : { action: 'complete', note: opts.note };
        const c = await withStore(db(), (store) =>
          advanceCase(store, SYSTEM, id, { ...action, step: opts.step }),
        );
        printCase(opts.format, c);
      },
    );
}
