/**
 * `npm start`'s supervisor with real service processes: a service that cannot start is reported
 * at once with its real reason (a port in use, a database that refuses, a port fetch refuses),
 * not after a timeout; a service that dies is started again while the others keep serving; stop
 * ends them all.
 */
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../bench/lib/processes';
import { Supervisor } from '../../scripts/supervisor';

const ROOT = path.resolve(__dirname, '..', '..');
const entry = (name: string) => (name === 'gateway' ? path.join(ROOT, 'gateway', 'index') : path.join(ROOT, 'services', name, 'index'));
const baseEnv = { PATH: process.env.PATH, NODE_ENV: 'development', LOG_LEVEL: 'warn', DEMO_SCALE: '0' };

async function failureOf(name: string, env: NodeJS.ProcessEnv): Promise<{ message: string; seconds: number }> {
  const supervisor = new Supervisor({ fromSource: true, quiet: true });
  const started = Date.now();
  try {
    await supervisor.start({ name, entry: entry(name), env: { ...baseEnv, ...env } });
  } catch (err) {
    return { message: (err as Error).message, seconds: (Date.now() - started) / 1000 };
  } finally {
    await supervisor.stop();
  }
  throw new Error(`${name} started`);
}

describe('start-up failures are reported at once, with their reason', () => {
  test('a port in use', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const { message, seconds } = await failureOf('indicators', { INDICATORS_PORT: String(port) });
      expect(message).toBe(`indicators failed to start: port 127.0.0.1:${port} is already in use by another process (EADDRINUSE): stop it or choose another port`);
      expect(seconds).toBeLessThan(30);
    } finally {
      blocker.close();
    }
  });

  test('a port that fetch refuses', async () => {
    const { message } = await failureOf('gateway', { PORT: '6000' });
    expect(message).toMatch(/^gateway failed to start: Invalid configuration:\n {2}PORT: port 6000 is on the fetch standard's list of blocked ports \("bad port"\)/);
  });

  test('a database that refuses connections', async () => {
    const port = await freePort(); // nothing listens there
    const { message, seconds } = await failureOf('residency', { RESIDENCY_PORT: String(await freePort()), DB_CLIENT: 'mysql2', MYSQL_URL: `mysql://root@127.0.0.1:${port}` });
    expect(message).toBe(`residency failed to start: database connection refused at 127.0.0.1:${port} (ECONNREFUSED): is the database server running, and is MYSQL_URL right?`);
    expect(seconds).toBeLessThan(30);
  });
});

describe('supervision', () => {
  test('a service that dies is started again; stop ends it', async () => {
    const logs: string[] = [];
    const supervisor = new Supervisor({ fromSource: true, quiet: true, initialBackoffMs: 200, log: (l) => logs.push(l) });
    const port = await freePort();
    const health = async () => (await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.status, () => 0)) === 200;
    try {
      await supervisor.start({ name: 'indicators', entry: entry('indicators'), env: { ...baseEnv, INDICATORS_PORT: String(port) } });
      expect(await health()).toBe(true);
      const first = supervisor.pidOf('indicators')!;
      const back = new Promise<void>((resolve) => supervisor.once('ready', () => resolve()));
      process.kill(first, 'SIGKILL');
      await back;
      expect(supervisor.pidOf('indicators')).not.toBe(first);
      expect(supervisor.restartsOf('indicators')).toBe(1);
      expect(await health()).toBe(true);
      expect(logs).toEqual([expect.stringMatching(/^indicators exited \(SIGKILL\); restarting in 0\.2 s \(attempt 1\); the other services keep serving$/), 'indicators is back']);
    } finally {
      await supervisor.stop();
    }
    expect(await health()).toBe(false);
  });
});
