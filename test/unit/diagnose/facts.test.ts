import * as assert from 'node:assert/strict';
import { addressInText, covers, elapsedInText, isLoopback } from '../../../src/core/diagnose/facts';

describe('facts derived from the incident', () => {
  it('finds the address inside the error, with the port removed', () => {
    assert.equal(addressInText('Error: connect ECONNREFUSED ::1:3000', 3000), '::1');
    assert.equal(addressInText('Error: connect ECONNREFUSED 127.0.0.1:5432', 5432), '127.0.0.1');
    assert.equal(addressInText('connect ETIMEDOUT 10.0.0.5:443', null), '10.0.0.5');
    assert.equal(addressInText('connection to server at "localhost" (::1), port 5432 failed', 5432), '::1');
    assert.equal(addressInText('curl: (7) Failed to connect to [2001:db8::5]:8080', 8080), '2001:db8::5');
    assert.equal(addressInText('socket hang up', null), null);
    assert.equal(addressInText('at 12:34:56.789 deadbeef cafe', null), null);
  });

  it('reads the time to failure', () => {
    assert.equal(elapsedInText('Failed to connect to x port 80 after 21036 ms: Timed out'), 21036);
    assert.equal(elapsedInText('Connect Timeout Error (attempted address: x:443, timeout: 10000ms)'), 10000);
    assert.equal(elapsedInText("HTTPConnectionPool(host='x', port=80): Max retries exceeded (connect timeout=10)"), 10000);
    assert.equal(elapsedInText('timed out after 75.2 seconds'), 75200);
    assert.equal(elapsedInText('ECONNREFUSED'), null);
  });

  it('knows which listener takes which address', () => {
    assert.ok(covers('::', '127.0.0.1'));
    assert.ok(covers('0.0.0.0', '192.0.2.1'));
    assert.ok(!covers('0.0.0.0', '::1'));
    assert.ok(!covers('127.0.0.1', '::1'));
    assert.ok(covers('::ffff:127.0.0.1', '127.0.0.1'));
    assert.ok(isLoopback('localhost') && isLoopback('127.0.0.2') && isLoopback('::1') && !isLoopback('198.51.100.2'));
  });
});
