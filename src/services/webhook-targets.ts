import { lookup as dnsLookup } from 'node:dns';
import type { LookupAddress, LookupAllOptions, LookupOneOptions } from 'node:dns';
import { request as httpRequest } from 'node:http';
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { BlockList, isIP } from 'node:net';
import { networkInterfaces } from 'node:os';
import { InputError } from '../core/errors.js';

/**
 * Where webhooks may go. A subscriber's URL is the operator's configuration, but a signed
 * POST to an internal address (the database, a metadata service, an admin page on the same
 * machine) is a request the server should never make for anyone: every address a target
 * resolves to must be public, at subscription and again at each delivery, on the connection
 * actually made (the address checked is the address connected to), and redirects are never
 * followed.
 */

/** The environment variable naming trusted internal receivers (comma-separated). */
export const TRUSTED_ENV = 'LENS_WEBHOOK_TRUSTED';

/**
 * The operator's exceptions: addresses or CIDR ranges (`10.0.0.7`, `10.1.0.0/16`,
 * `127.0.0.1`, `fd00::/8`) of internal receivers they trust. Empty: public addresses only.
 */
export interface WebhookTrust {
  trusted: readonly string[];
}

/** The trust set by `LENS_WEBHOOK_TRUSTED` (none when unset). */
export function trustFromEnv(env: NodeJS.ProcessEnv = process.env): WebhookTrust {
  const text = env[TRUSTED_ENV]?.trim() ?? '';
  return { trusted: text === '' ? [] : text.split(',').map((s) => s.trim()) };
}

/** A target the guard refuses; the message says which address and why. */
export class RefusedTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedTargetError';
  }
}

const INTERNAL_V4: readonly [string, number, string][] = [
  ['0.0.0.0', 8, 'a "this network" address'],
  ['10.0.0.0', 8, 'a private address'],
  ['100.64.0.0', 10, 'a shared (carrier-grade NAT) address'],
  ['127.0.0.0', 8, 'a loopback address'],
  ['169.254.0.0', 16, 'a link-local address'],
  ['172.16.0.0', 12, 'a private address'],
  ['192.0.0.0', 24, 'a protocol-assignment address'],
  ['192.0.2.0', 24, 'a documentation address'],
  ['192.168.0.0', 16, 'a private address'],
  ['198.18.0.0', 15, 'a benchmarking address'],
  ['198.51.100.0', 24, 'a documentation address'],
  ['203.0.113.0', 24, 'a documentation address'],
  ['224.0.0.0', 4, 'a multicast address'],
  ['240.0.0.0', 4, 'a reserved address'],
];

const INTERNAL_V6: readonly [string, number, string][] = [
  ['::', 128, 'the unspecified address'],
  ['::1', 128, 'a loopback address'],
  ['::', 96, 'an IPv4-compatible address (it may reach the IPv4 address inside)'],
  ['100::', 64, 'a discard-only address'],
  ['2001::', 32, 'a Teredo address (it may reach the IPv4 address inside)'],
  ['2002::', 16, 'a 6to4 address (it may reach the IPv4 address inside)'],
  ['64:ff9b:1::', 48, 'a local-use NAT64 address'],
  ['fc00::', 7, 'a unique-local (private) address'],
  ['fe80::', 10, 'a link-local address'],
  ['fec0::', 10, 'a site-local address'],
  ['ff00::', 8, 'a multicast address'],
  ['2001:db8::', 32, 'a documentation address'],
];

/** The IPv4 address inside an IPv4-mapped or NAT64 IPv6 address, if it is one. */
function embeddedV4(address: string): string | undefined {
  const m = /^(?:::ffff:|64:ff9b::)(?:(\d+\.\d+\.\d+\.\d+)|([0-9a-f]{1,4}):([0-9a-f]{1,4}))$/i.exec(
    address,
  );
  if (!m) return undefined;
  if (m[1]) return m[1];
  const hi = parseInt(m[2]!, 16);
  const lo = parseInt(m[3]!, 16);
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

/** The addresses of this machine's interfaces (the server's own addresses). */
function ownAddresses(): Set<string> {
  const out = new Set<string>();
  for (const list of Object.values(networkInterfaces()))
    for (const a of list ?? []) out.add(a.address.toLowerCase().replace(/%.*$/, ''));
  return out;
}

function trustList(trust: WebhookTrust): BlockList {
  const list = new BlockList();
  for (const entry of trust.trusted) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    if (isIP(address) === 0)
      throw new InputError(`"${entry}" is not an address or CIDR range`, {
        column: TRUSTED_ENV,
        expected: 'addresses or ranges such as 10.0.0.7, 10.1.0.0/16 or fd00::/8, comma-separated',
      });
    if (bits === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(bits), type);
  }
  return list;
}

/**
 * Why `address` (an IP address) may not receive webhooks, or null when it may: internal
 * ranges (loopback, private, link-local, shared, multicast, reserved, documentation) and
 * this machine's own addresses (`own`: its interfaces' addresses) are refused unless
 * trusted.
 */
export function refusal(
  address: string,
  trust: WebhookTrust,
  own: () => Set<string> = ownAddresses,
): string | null {
  const bare = address
    .toLowerCase()
    .replace(/^\[|\]$/g, '')
    .replace(/%.*$/, '');
  const v4 = isIP(bare) === 4 ? bare : embeddedV4(bare);
  const trusted = trustList(trust);
  if (trusted.check(bare, isIP(bare) === 6 ? 'ipv6' : 'ipv4')) return null;
  if (v4 !== undefined && v4 !== bare && trusted.check(v4, 'ipv4')) return null;
  const internal = new BlockList();
  if (v4 !== undefined) {
    for (const [net, bits, what] of INTERNAL_V4) {
      internal.addSubnet(net, bits, 'ipv4');
      if (internal.check(v4, 'ipv4')) return `${address} is ${what}`;
    }
  } else {
    for (const [net, bits, what] of INTERNAL_V6) {
      internal.addSubnet(net, bits, 'ipv6');
      if (internal.check(bare, 'ipv6')) return `${address} is ${what}`;
    }
  }
  const mine = own();
  if (mine.has(bare) || (v4 !== undefined && mine.has(v4)))
    return `${address} is an address of this server`;
  return null;
}

function refused(host: string, address: string, why: string): RefusedTargetError {
  const via = host === address ? '' : ` (${host} resolves to it)`;
  return new RefusedTargetError(
    `refused: ${why}${via}; webhooks go to public addresses only (an operator can trust an internal receiver with ${TRUSTED_ENV})`,
  );
}

/** The host of a URL without IPv6 brackets. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[|\]$/g, '');
}

/**
 * Checks that every address `url`'s host resolves to may receive webhooks (see `refusal`).
 * Throws RefusedTargetError naming the first refused address, or when the name does not
 * resolve.
 */
export async function checkTarget(url: URL, trust: WebhookTrust): Promise<void> {
  const host = hostOf(url);
  const addresses =
    isIP(host) !== 0
      ? [host]
      : await new Promise<string[]>((resolve, reject) =>
          dnsLookup(host, { all: true }, (error, found) =>
            error
              ? reject(new RefusedTargetError(`refused: ${host} does not resolve (${error.code})`))
              : resolve(found.map((a) => a.address)),
          ),
        );
  for (const a of addresses) {
    const why = refusal(a, trust);
    if (why !== null) throw refused(host, a, why);
  }
}

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * A `lookup` for sockets that resolves as usual and refuses the connection when any address
 * is refused: the address checked is the address connected to, so a name that changes
 * between the check and the connection (DNS rebinding) gains nothing.
 */
function guardedLookup(trust: WebhookTrust) {
  return (
    hostname: string,
    options: LookupOneOptions | LookupAllOptions,
    callback: LookupCallback,
  ): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, found) => {
      if (error) return callback(error, []);
      for (const a of found) {
        const why = refusal(a.address, trust);
        if (why !== null) return callback(refused(hostname, a.address, why), []);
      }
      if (options.all) return callback(null, found);
      const first = found[0];
      if (!first) return callback(new RefusedTargetError(`${hostname} has no address`), []);
      callback(null, first.address, first.family);
    });
  };
}

/** The answer to one POST: its status and headers (the body is read and dropped). */
export interface PostAnswer {
  statusCode: number;
  headers: IncomingHttpHeaders;
}

/**
 * POSTs `body` to `url` once through the guard: the host's addresses are checked as the
 * connection is made; a redirect is an answer like any other, never followed. Rejects on a
 * refused target, a network error or the timeout (`AbortSignal.timeout`, TimeoutError).
 */
export async function guardedPost(
  url: URL,
  headers: OutgoingHttpHeaders,
  body: string,
  timeoutMs: number,
  trust: WebhookTrust,
): Promise<PostAnswer> {
  const host = hostOf(url);
  if (isIP(host) !== 0) {
    const why = refusal(host, trust);
    if (why !== null) throw refused(host, host, why);
  }
  const request = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<PostAnswer>((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-length': Buffer.byteLength(body) },
        lookup: guardedLookup(trust) as never,
        signal: AbortSignal.timeout(timeoutMs),
      },
      (res) => {
        res.on('data', () => undefined);
        res.on('end', () => resolve({ statusCode: res.statusCode ?? 0, headers: res.headers }));
        res.on('error', reject);
      },
    );
    req.on('error', (error: Error) =>
      reject(error.name === 'AbortError' ? timeoutError(timeoutMs) : error),
    );
    req.end(body);
  });
}

function timeoutError(ms: number): Error {
  const e = new Error(`no answer within ${ms} ms`);
  e.name = 'TimeoutError';
  return e;
}
