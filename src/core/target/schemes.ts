/**
 * The one table of URL schemes and the ports and protocols they imply, shared by detection
 * (a URL in an error names its port by scheme), probes (which protocol to speak) and reports.
 * No Node imports: the webview may use it too.
 */

/** Default port of each scheme a target URL may use. */
export const SCHEME_PORTS: Readonly<Record<string, number>> = {
  http: 80, https: 443, ws: 80, wss: 443,
  postgres: 5432, postgresql: 5432, mysql: 3306, mariadb: 3306, mssql: 1433, sqlserver: 1433,
  // redis-py, ioredis and node-redis all default rediss:// to 6379 (TLS on the usual port).
  redis: 6379, rediss: 6379, mongodb: 27017, 'mongodb+srv': 27017, amqp: 5672, amqps: 5671,
  mqtt: 1883, mqtts: 8883, nats: 4222, kafka: 9092, memcached: 11211, cassandra: 9042,
  ssh: 22, sftp: 22, scp: 22, ftp: 21, ftps: 990, telnet: 23, smtp: 25, smtps: 465, submission: 587,
  imap: 143, imaps: 993, pop3: 110, pop3s: 995, ldap: 389, ldaps: 636, git: 9418,
  // gRPC rides on HTTP/2: plaintext on HTTP's port, TLS on HTTPS's.
  grpc: 80, grpcs: 443, elasticsearch: 9200, zookeeper: 2181, etcd: 2379,
};

/** Default port of a SOCKS proxy URL (socks://, socks4://, socks4a://, socks5://, socks5h://). */
export const SOCKS_PORT = 1080;

/** Schemes whose connection starts with TLS. */
export const TLS_SCHEMES: ReadonlySet<string> = new Set([
  'https', 'wss', 'rediss', 'amqps', 'mqtts', 'ftps', 'smtps', 'imaps', 'pop3s', 'ldaps', 'grpcs',
]);

/** Ports that conventionally speak TLS from the first byte. */
export const TLS_PORTS: ReadonlySet<number> = new Set([443, 465, 636, 853, 990, 993, 995, 5671, 6380, 8443, 8883, 9443]);

/** Schemes the http probe speaks (ws/wss get a plain GET: any HTTP answer shows the server is up). */
export const HTTP_SCHEMES: ReadonlySet<string> = new Set(['http', 'https', 'ws', 'wss']);

/**
 * The scheme (service) a client program or library speaks, by command name, ecosystem or rule
 * family: psql talks to PostgreSQL, ioredis to Redis. One table for detection (default ports)
 * and probes (which protocol to open).
 */
export const PROGRAM_SCHEMES: Readonly<Record<string, string>> = {
  ssh: 'ssh', scp: 'ssh', sftp: 'ssh', sshd: 'ssh', 'ssh-keyscan': 'ssh', rsync: 'ssh', openssh: 'ssh', paramiko: 'ssh',
  psql: 'postgresql', pg: 'postgresql', pg_dump: 'postgresql', pg_restore: 'postgresql', pg_isready: 'postgresql', pgbench: 'postgresql',
  postgres: 'postgresql', libpq: 'postgresql', pgbouncer: 'postgresql', psycopg: 'postgresql', psycopg2: 'postgresql', asyncpg: 'postgresql',
  pgx: 'postgresql', npgsql: 'postgresql',
  mysql: 'mysql', mysqladmin: 'mysql', mysqldump: 'mysql', mysqlsh: 'mysql', mariadb: 'mysql', 'mariadb-admin': 'mysql', 'mariadb-dump': 'mysql',
  pymysql: 'mysql', mysql2: 'mysql', mysqlclient: 'mysql',
  'redis-cli': 'redis', redis: 'redis', 'valkey-cli': 'redis', ioredis: 'redis', 'redis-py': 'redis', jedis: 'redis', lettuce: 'redis', 'go-redis': 'redis',
  mongo: 'mongodb', mongosh: 'mongodb', mongodb: 'mongodb', mongoose: 'mongodb', pymongo: 'mongodb',
  sendmail: 'smtp', nodemailer: 'smtp', smtplib: 'smtp',
  rabbitmq: 'amqp', amqplib: 'amqp', pika: 'amqp',
  kafka: 'kafka', kafkajs: 'kafka', librdkafka: 'kafka', 'kafka-console-producer': 'kafka', 'kafka-console-consumer': 'kafka', kcat: 'kafka', kafkacat: 'kafka',
  zookeeper: 'zookeeper', zkcli: 'zookeeper', memcached: 'memcached', nats: 'nats', mosquitto_pub: 'mqtt', mosquitto_sub: 'mqtt',
  curl: 'http', wget: 'http',
};

/** The service family of a scheme: its TLS variant and its aliases speak the same protocol. */
const SCHEME_FAMILY: Readonly<Record<string, string>> = {
  https: 'http', ws: 'http', wss: 'http', postgres: 'postgresql', mariadb: 'mysql', rediss: 'redis', 'mongodb+srv': 'mongodb',
  smtps: 'smtp', submission: 'smtp', imaps: 'imap', pop3s: 'pop3', amqps: 'amqp', sftp: 'ssh', scp: 'ssh', mqtts: 'mqtt', grpcs: 'grpc',
};

/** Default port of a scheme, or null when the scheme implies none. */
export function defaultPort(scheme: string | null | undefined): number | null {
  if (!scheme) return null;
  return SCHEME_PORTS[scheme.toLowerCase()] ?? null;
}

/** The scheme a program speaks (by its command name or ecosystem), or null. */
export function programScheme(program: string | null | undefined): string | null {
  if (!program) return null;
  const base = program.toLowerCase().replace(/^.*[\\/]/, '').replace(/\.exe$/, '');
  return PROGRAM_SCHEMES[base] ?? null;
}

/** The service a scheme, program, ecosystem or rule family names (postgresql, mysql, redis, ssh, http, ...), or null. */
export function serviceOf(name: string | null | undefined): string | null {
  if (!name) return null;
  const n = name.toLowerCase();
  const scheme = SCHEME_PORTS[n] !== undefined ? n : programScheme(n);
  return scheme === null ? null : (SCHEME_FAMILY[scheme] ?? scheme);
}
