import * as assert from 'node:assert/strict';
import { maskDeep, maskSecrets } from '../../../src/core/diagnose/mask';

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
    const hostile = 'password='.repeat(20_000) + 'a://'.repeat(20_000) + 'authorization: '.repeat(20_000) + 'a_'.repeat(20_000) + 'a://b:'.repeat(10_000) + '-----BEGIN PRIVATE KEY-----'.repeat(2_000) + 'eyJ'.repeat(20_000) + 'cookie: '.repeat(10_000);
    const started = process.hrtime.bigint();
    maskSecrets(hostile);
    // Generous bound: a super-linear pattern takes minutes on this input.
    assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 5_000);
  });

  // Real-format secrets of every family (fake values), each with the text that must remain.
  const PEM = '-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7VJTUt9Us8cKj\\nMzEfYyjiWA4R4/M2bS1GB4t7NXp98C3SC6dVMvDuictGeurT8jNbvJZHtCSuYEvu\\n-----END PRIVATE KEY-----\\n';
  const SECRETS: ReadonlyArray<{ family: string; text: string; secret: string; keeps: string }> = [
    { family: 'GitHub classic token', text: 'remote: https://ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789@github.com/o/r', secret: 'aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789', keeps: 'github.com/o/r' },
    { family: 'GitHub OAuth token', text: 'GITHUB_TOKEN gho_16C7e42F292c6912E7710c838347Ae178B4a rejected', secret: '16C7e42F292c6912E7710c838347Ae178B4a', keeps: 'rejected' },
    { family: 'GitHub fine-grained PAT', text: 'using github_pat_11ABCDEFG0123456789abc_defghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456 now', secret: 'defghijklmnopqrstuvwxyz', keeps: 'now' },
    { family: 'Slack bot token', text: 'slack: invalid_auth for xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx', secret: 'AbCdEfGhIjKlMnOpQrStUvWx', keeps: 'invalid_auth' },
    { family: 'Slack user token', text: 'xoxp-123456789012-123456789012-123456789012-abcdef0123456789abcdef0123456789', secret: 'abcdef0123456789abcdef', keeps: 'xo' },
    { family: 'npm token', text: 'npm ERR! 401 token npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8', secret: 'a1B2c3D4e5F6g7H8i9J0', keeps: 'npm ERR! 401' },
    { family: 'npmrc _authToken', text: '//registry.npmjs.org/:_authToken=00000000-1111-2222-3333-444444444444', secret: '00000000-1111', keeps: 'registry.npmjs.org' },
    { family: 'Stripe secret key', text: 'StripeAuthenticationError: Invalid API Key provided: sk_live_4eC39HqLyjWDarjtT1zdp7dc', secret: '4eC39HqLyjWDarjtT1zdp7dc', keeps: 'Invalid API Key provided' },
    { family: 'Stripe restricted key', text: 'key rk_test_51H8ZbCDeFgHiJkLmNoPqRsTu', secret: '51H8ZbCDeFgHiJkLmNoPqRsTu', keeps: 'key' },
    { family: 'GCP API key', text: 'GET https://maps.googleapis.com/maps/api/geocode/json?address=x&key=AIzaSyD-9tSrke72PouQMnMX-a7eZSW0jkFMBWY failed', secret: '9tSrke72PouQMnMX', keeps: 'maps.googleapis.com' },
    { family: 'GCP OAuth access token', text: 'token ya29.a0AfH6SMBx3EXAMPLEEXAMPLEEXAMPLEEXAMPLE expired', secret: 'a0AfH6SMBx3EXAMPLE', keeps: 'expired' },
    { family: 'GCP service-account private_key', text: `{"type": "service_account", "private_key_id": "4f1e2d3c4b5a69788796a5b4c3d2e1f0a9b8c7d6", "private_key": "${PEM}", "client_email": "sa@p.iam.gserviceaccount.com"}`, secret: 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', keeps: 'sa@p.iam.gserviceaccount.com' },
    { family: 'PEM RSA private key', text: '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gun\n-----END RSA PRIVATE KEY-----', secret: 'MIIEowIBAAKCAQEAu1SU1', keeps: 'RSA PRIVATE KEY' },
    { family: 'Azure storage connection string', text: 'DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;EndpointSuffix=core.windows.net', secret: 'Eby8vdM02xNOcqFl', keeps: 'EndpointSuffix=core.windows.net' },
    { family: 'Azure SAS signature', text: 'https://acct.blob.core.windows.net/c/b?sv=2022-11-02&sp=r&sig=Zm9vYmFyYmF6cXV4cXV1eA%3D%3D', secret: 'Zm9vYmFyYmF6', keeps: 'acct.blob.core.windows.net' },
    { family: 'Azure AD client secret', text: 'AZURE_CLIENT_SECRET value abc8Q~Xy1Zw2Vu3Ts4Rq5Po6Nm7Lk8Ji9Hg0FeDcBa rejected', secret: 'Xy1Zw2Vu3Ts4Rq5Po6Nm7Lk8Ji9', keeps: 'rejected' },
    { family: 'bare JWT', text: 'invalid token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U for /api', secret: 'dozjgNryP4J3jVmNHl0w5N', keeps: 'for /api' },
    { family: 'Cookie header', text: 'Cookie: session=8f14e45fceea167a5a36dedd4bea2543; csrftoken=x9', secret: '8f14e45fceea167a5a36dedd4bea2543', keeps: 'Cookie:' },
    { family: 'Set-Cookie header', text: '< Set-Cookie: sid=s%3Aabcdef0123456789.xyz; Path=/; HttpOnly', secret: 'abcdef0123456789', keeps: 'Set-Cookie:' },
    { family: 'X-Api-Key header', text: "curl -H 'X-Api-Key: 4d6f8b2a9c1e3f5a7b9d' http://127.0.0.1:8080/", secret: '4d6f8b2a9c1e3f5a7b9d', keeps: 'http://127.0.0.1:8080/' },
    { family: 'PGPASSWORD', text: 'PGPASSWORD=Tr0ub4dor psql -h db -U app', secret: 'Tr0ub4dor', keeps: 'psql -h db -U app' },
    { family: 'MYSQL_PWD', text: 'env MYSQL_PWD=c0rrect-horse mysql -h 127.0.0.1', secret: 'c0rrect-horse', keeps: 'mysql -h 127.0.0.1' },
    { family: '--password=', text: 'mysqladmin --user=root --password=s3cr3tpass ping', secret: 's3cr3tpass', keeps: '--user=root' },
    { family: '--password VALUE', text: 'redis-cli --password s3cr3tpass -h 127.0.0.1 ping', secret: 's3cr3tpass', keeps: '-h 127.0.0.1 ping' },
    { family: 'DB_PASSWORD in an env dump', text: 'DB_HOST=db DB_PASSWORD=hunter22 DB_PORT=5432', secret: 'hunter22', keeps: 'DB_PORT=5432' },
    { family: 'dotted config password', text: 'spring.datasource.password=hunter22', secret: 'hunter22', keeps: 'spring.datasource.password=' },
    { family: 'URL password with @ and /', text: 'FATAL: connect postgres://app:p@ss/w0rd@db.internal:5432/app failed', secret: 'ss/w0rd', keeps: 'db.internal:5432/app failed' },
    { family: 'access_token in a query', text: 'GET http://127.0.0.1:8080/cb?code=1&access_token=ya29xyzabcdef0123 HTTP/1.1', secret: 'ya29xyzabcdef0123', keeps: 'HTTP/1.1' },
  ];

  for (const s of SECRETS) {
    it(`masks ${s.family}`, () => {
      const out = maskSecrets(s.text);
      assert.ok(!out.includes(s.secret), `${s.family}: ${out}`);
      assert.ok(out.includes('****'), out);
      assert.ok(out.includes(s.keeps), `${s.family} lost "${s.keeps}": ${out}`);
    });
  }

  // Near misses: look like secrets to a careless pattern, must stay readable.
  const NEAR_MISSES = [
    'Error: connect ECONNREFUSED 127.0.0.1:5432',
    'GET http://localhost:8080/api/users@me failed',
    'http://proxy.corp:3128',
    'ssh://git@github.com/org/repo.git',
    'git@github.com:org/repo.git',
    'mail bob@example.com about it',
    'npm_config_cache=/home/u/.npm npm_lifecycle_event=test npm_package_name=my-app',
    'ghp_short and github_pat_ alone',
    'sk-learn and task-runner-for-the-whole-project-of-ours',
    'xoxo-gossip',
    'the password policy was updated',
    'token expired, please sign in again',
    'bypass=1 passes=3',
    'request id 123e4567-e89b-12d3-a456-426614174000',
    'eyJ alone is not a token',
    'cookies are disabled',
    'AIza is a prefix',
    'SG.test',
    'KEY_PATH=/etc/ssl/private/key.pem',
    '-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----',
  ];
  for (const text of NEAR_MISSES) {
    it(`leaves alone: ${JSON.stringify(text).slice(0, 60)}`, () => assert.equal(maskSecrets(text), text));
  }

  it('masks every string of a JSON value (the --json and tool results)', () => {
    const out = maskDeep({ a: ['http://u:hunter22@h/'], b: { c: 'PGPASSWORD=x1y2z3' }, n: 3, z: null });
    assert.deepEqual(out, { a: ['http://u:****@h/'], b: { c: 'PGPASSWORD=****' }, n: 3, z: null });
  });
});
