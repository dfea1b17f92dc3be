import * as assert from 'node:assert/strict';
import { maskSecrets } from '../../../src/core/diagnose/mask';

describe('maskSecrets', () => {
  it('masks URL passwords and keeps the user and host', () => {
    assert.equal(maskSecrets('HTTPS_PROXY=http://alice:s3cr3t@proxy.corp:3128'), 'HTTPS_PROXY=http://alice:****@proxy.corp:3128');
    assert.equal(maskSecrets('postgres://app:p%40ss@db:5432/x'), 'postgres://app:****@db:5432/x');
    assert.equal(maskSecrets('http://proxy.corp:3128'), 'http://proxy.corp:3128');
  });

  it('masks Authorization headers and bearer tokens', () => {
    assert.equal(maskSecrets('Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abc.def'), 'Authorization: Bearer ****');
    assert.equal(maskSecrets('proxy-authorization: Basic YWxpY2U6c2VjcmV0'), 'proxy-authorization: Basic ****');
    assert.equal(maskSecrets('sent bearer abcdefghijklmnop to the api'), 'sent bearer **** to the api');
  });

  it('masks password, token and api_key parameters', () => {
    assert.equal(maskSecrets('GET /x?user=a&password=hunter2&token=t0k3n&api_key=K1'), 'GET /x?user=a&password=****&token=****&api_key=****');
    assert.equal(maskSecrets('{"token": "abc123"}'), '{"token": "****"}');
  });

  it('masks AWS-style keys', () => {
    const out = maskSecrets('AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY');
    assert.ok(!out.includes('IOSFODNN7EXAMPLE'), out);
    assert.ok(!out.includes('wJalrXUtnFEMI'), out);
  });

  it('leaves ordinary error text alone', () => {
    const text = "Error: connect ECONNREFUSED 127.0.0.1:5432\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)";
    assert.equal(maskSecrets(text), text);
  });

  it('runs in linear time on hostile input', () => {
    const hostile = 'password='.repeat(20_000) + 'a://'.repeat(20_000) + 'authorization: '.repeat(20_000);
    const started = process.hrtime.bigint();
    maskSecrets(hostile);
    // Generous bound: a super-linear pattern takes minutes on this input.
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 5_000);
  });
});
