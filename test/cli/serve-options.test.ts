import * as assert from 'node:assert/strict';
import { it } from 'node:test';
import { trustProxyOption } from '../../src/cli/commands/serve.js';

it('reads --trust-proxy as true, a number of hops, or addresses, CIDR ranges and range names', () => {
  assert.equal(trustProxyOption('true'), true);
  assert.equal(trustProxyOption('2'), 2);
  assert.deepEqual(trustProxyOption('127.0.0.1, 10.0.0.0/8,::1,fd00::/8,loopback'), [
    '127.0.0.1',
    '10.0.0.0/8',
    '::1',
    'fd00::/8',
    'loopback',
  ]);
  for (const bad of ['proxy.example.org', '10.0.0.0/33', '10.0.0.1/8/8', 'yes'])
    assert.throws(
      () => trustProxyOption(bad),
      /is not an address, a CIDR range or one of loopback/,
    );
});
