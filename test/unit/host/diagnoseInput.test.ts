import * as assert from 'node:assert/strict';
import { readDiagnoseInput, validateDiagnoseInput } from '../../../src/host/model/diagnoseInput';
import { formatPlain } from '../../../src/host/model/wording';
import { targetShown } from '../../../src/core/target/address';

const validate = (v: string): string | undefined => validateDiagnoseInput(v, formatPlain);

describe('diagnose input', () => {
  it('accepts URLs and host:port', () => {
    assert.equal(validate('localhost:5432'), undefined);
    assert.equal(validate('https://api.example.com/v1'), undefined);
    assert.equal(validate('[::1]:8080'), undefined);
    const read = readDiagnoseInput(' https://api.example.com ', formatPlain);
    assert.ok(read.kind === 'target' && read.target.port === 443);
  });

  it('accepts a pasted error that names its target', () => {
    const read = readDiagnoseInput('Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect', formatPlain);
    assert.equal(read.kind, 'incident');
    assert.ok(read.kind === 'incident' && read.target?.host === '127.0.0.1' && read.target.port === 5432);
    assert.equal(validate('curl: (7) Failed to connect to 127.0.0.1 port 9 after 0 ms: Couldn\'t connect to server'), undefined);
  });

  it('takes a host alone as a name-only target (a DNS question) and says so in the panel title', () => {
    const read = readDiagnoseInput('db.internal', formatPlain);
    assert.ok(read.kind === 'target' && read.target.nameOnly === true && read.target.host === 'db.internal');
    assert.equal(validate('db.internal'), undefined);
    const dns = readDiagnoseInput('Error: getaddrinfo ENOTFOUND db.internal', formatPlain);
    assert.ok(dns.kind === 'incident' && dns.target?.nameOnly === true);
    assert.equal(targetShown({ host: 'db.internal', port: 443, nameOnly: true }), 'db.internal');
    assert.equal(targetShown({ host: '::1', port: 443 }), '[::1]:443');
  });

  it('explains what is wrong with other input', () => {
    assert.match(validate('') ?? '', /Enter a URL/);
    assert.match(validate('db.internal:99999') ?? '', /Not a target/);
    assert.match(validate('hello there world') ?? '', /No connection failure found/);
    assert.match(validate('Error: read ECONNRESET') ?? '', /names no host and port/);
    assert.match(validate('x'.repeat(70_000)) ?? '', /too long/);
  });
});
