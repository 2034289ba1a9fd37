/**
 * Data versions: one opaque token per domain that changes whenever a write to that domain has
 * committed (an import, the demo seeding). The gateway's response cache keeps, with each answer,
 * the tokens of the domains the answer was read from, and serves it only while every one of them
 * is unchanged: once a write has completed, no answer read before it is served again.
 *
 * Where the tokens live:
 * - Redis (a hash per dataset), when REDIS_URL is set: any number of gateways and importers,
 *   on any hosts;
 * - otherwise an append-only file in DATA_DIR (`data-versions.log`): the processes that share the
 *   data directory (the embedded default, where every service and the import command run on
 *   one machine). Gateways and imports on different hosts need REDIS_URL.
 *
 * A token is read before an answer is computed, so a write that commits while the answer is
 * being computed leaves that answer with an old token: it is never served from the cache.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Redis from 'ioredis';
import type { Config } from './config';

export interface DataVersions {
  /** The current token of each domain, in the order asked ("0" for a domain never written). */
  read(domains: readonly string[]): Promise<string[]>;
  /** Marks a domain changed: call after the write's transaction has committed. */
  bump(domain: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * What identifies the data a configuration reads: its SQLite folder, or its MySQL server and
 * database prefix. Caches and versions are kept per dataset, so two deployments (or two test
 * graphs) sharing a Redis never see each other's answers.
 */
export function datasetId(config: Pick<Config, 'DB_CLIENT' | 'DATA_DIR' | 'MYSQL_URL' | 'MYSQL_DATABASE_PREFIX'>): string {
  const id =
    config.DB_CLIENT === 'mysql2'
      ? `mysql:${new URL(config.MYSQL_URL!).host}/${config.MYSQL_DATABASE_PREFIX}`
      : `sqlite:${path.resolve(config.DATA_DIR)}`;
  return crypto.createHash('sha256').update(id).digest('hex').slice(0, 16);
}

const newToken = () => `${Date.now().toString(36)}-${crypto.randomBytes(6).toString('hex')}`;

/**
 * Versions in one append-only file: each bump appends a line `<domain> <token>`, in one write
 * with O_APPEND, so the file's size grows with every bump. A reader stats the file (one system
 * call, a couple of microseconds) and reads only when the size has changed: the tokens are then
 * exact, never a moment late. A line is about 40 bytes; the file grows only with imports.
 */
class FileDataVersions implements DataVersions {
  private readonly tokens = new Map<string, string>();
  /** Bytes of the file consumed so far (up to the last whole line). */
  private consumed = 0;

  constructor(private readonly file: string) {}

  async read(domains: readonly string[]): Promise<string[]> {
    let size = 0;
    try {
      size = fs.statSync(this.file).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    // Smaller than what was read: the file was replaced (data directory reset); start over.
    if (size < this.consumed) {
      this.tokens.clear();
      this.consumed = 0;
    }
    if (size > this.consumed) this.catchUp(size);
    return domains.map((d) => this.tokens.get(d) ?? '0');
  }

  private catchUp(size: number): void {
    const fd = fs.openSync(this.file, 'r');
    try {
      const bytes = Buffer.alloc(size - this.consumed);
      const got = fs.readSync(fd, bytes, 0, bytes.length, this.consumed);
      const text = bytes.subarray(0, got).toString('utf8');
      const whole = text.lastIndexOf('\n') + 1;
      for (const line of text.slice(0, whole).split('\n')) {
        const space = line.indexOf(' ');
        if (space > 0) this.tokens.set(line.slice(0, space), line.slice(space + 1));
      }
      this.consumed += Buffer.byteLength(text.slice(0, whole));
    } finally {
      fs.closeSync(fd);
    }
  }

  async bump(domain: string): Promise<void> {
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    fs.appendFileSync(this.file, `${domain} ${newToken()}\n`);
  }

  async close(): Promise<void> {}
}

class RedisDataVersions implements DataVersions {
  constructor(private readonly redis: Redis, private readonly key: string, private readonly owned: boolean) {}

  async read(domains: readonly string[]): Promise<string[]> {
    if (domains.length === 0) return [];
    const values = await this.redis.hmget(this.key, ...domains);
    return values.map((v) => v ?? '0');
  }

  async bump(domain: string): Promise<void> {
    await this.redis.hincrby(this.key, domain, 1);
  }

  async close(): Promise<void> {
    if (this.owned) await closeRedis(this.redis);
  }
}

/**
 * A Redis connection that fails fast and says where. A one-off writer (an import's version bump)
 * queues its command until connected; a server (`failFast`) waits for the connection once at
 * start (`redisReady`), then has a command fail at once whenever Redis is not connected, so
 * that no request waits on a Redis that is down: it goes on without the cache or shared counts.
 */
export function connectRedis(url: string, options: { failFast?: boolean } = {}): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: 1, enableOfflineQueue: !options.failFast, lazyConnect: false, connectTimeout: 2000 });
  // Errors surface on the commands that fail; the connection retries by itself.
  redis.on('error', () => {});
  return redis;
}

/** Resolves once the connection is ready, or after `timeoutMs` (answering whether it is). */
export function redisReady(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      redis.off('ready', done);
      resolve(redis.status === 'ready');
    };
    const timer = setTimeout(done, timeoutMs);
    redis.once('ready', done);
  });
}

/** Closes a connection, connected or not (QUIT needs one). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'ready') await redis.quit();
  else redis.disconnect();
}

/** The data versions of a configuration's dataset: in Redis when REDIS_URL is set, else in files beside the data. */
export function openDataVersions(config: Config, redis?: Redis): DataVersions {
  if (config.REDIS_URL) {
    const client = redis ?? connectRedis(config.REDIS_URL);
    return new RedisDataVersions(client, `${config.REDIS_KEY_PREFIX}${datasetId(config)}:versions`, !redis);
  }
  const prefix = config.DB_CLIENT === 'mysql2' ? `${config.MYSQL_DATABASE_PREFIX}` : '';
  return new FileDataVersions(path.join(config.DATA_DIR, `${prefix}data-versions.log`));
}

/** How long a writer keeps trying to mark its change when the versions' store (Redis) is down. */
const BUMP_RETRY_MS = 30_000;

/**
 * Marks a domain's data changed, for the callers (an import, the seeding) that wrote it and have
 * committed. The write is already there, so giving up early would let gateways serve answers
 * from before it: while Redis is unreachable it keeps trying for 30 s, then says what it means.
 */
export async function dataChanged(config: Config, domain: string): Promise<void> {
  const deadline = Date.now() + BUMP_RETRY_MS;
  for (let attempt = 0; ; attempt++) {
    const versions = openDataVersions(config);
    try {
      await versions.bump(domain);
      return;
    } catch (err) {
      if (Date.now() > deadline) {
        throw new Error(`${domain}: the data was written, but its data version could not be changed (${(err as Error).message}): gateways may serve answers from before the write until RESPONSE_CACHE_TTL_SECONDS`);
      }
      await new Promise((r) => setTimeout(r, Math.min(2000, 200 * 2 ** attempt)));
    } finally {
      await versions.close().catch(() => {});
    }
  }
}
