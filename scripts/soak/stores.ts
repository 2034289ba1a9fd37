/**
 * The soak's own MariaDB and Redis: servers started from the system's binaries on ports and in
 * folders of their own under the soak's temporary directory, so that stopping them (the faults)
 * touches nothing else on the machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { freePort } from '../../bench/lib/processes';

export { freePort };

/** Resolves once something accepts TCP connections on the port. */
export async function waitForPort(port: number, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`${what} did not accept connections on port ${port} within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A server process the soak can stop and start again with the same arguments and data. */
export interface OwnServer {
  name: string;
  port: number;
  url: string;
  running(): boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function serverProcess(name: string, port: number, url: string, command: string, args: string[], logFile: string, ready: () => Promise<void>): OwnServer {
  let child: ChildProcess | undefined;
  return {
    name,
    port,
    url,
    running: () => !!child && child.exitCode === null && child.signalCode === null,
    async start() {
      const log = fs.openSync(logFile, 'a');
      child = spawn(command, args, { stdio: ['ignore', log, log] });
      fs.closeSync(log);
      const exited = new Promise<never>((_, reject) => child!.once('exit', (code) => reject(new Error(`${name} exited (${code}) while starting; see ${logFile}`))));
      await Promise.race([ready(), exited]);
    },
    async stop() {
      const c = child;
      if (!c || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => c.kill('SIGKILL'), 20_000);
        c.once('exit', () => (clearTimeout(timer), resolve()));
        c.kill('SIGTERM');
      });
    },
  };
}

/** A MariaDB server of its own: `mariadb-install-db` into `<dir>/mysql`, then `mariadbd` on a free port. */
export async function ownMariadb(dir: string): Promise<OwnServer> {
  const datadir = path.join(dir, 'mysql');
  const install = spawnSync('mariadb-install-db', ['--no-defaults', `--datadir=${datadir}`, '--user=root', '--auth-root-authentication-method=normal', '--skip-test-db'], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`mariadb-install-db failed (is MariaDB installed?): ${install.error?.message ?? install.stderr.slice(-500)}`);
  const port = await freePort();
  const args = [
    '--no-defaults', `--datadir=${datadir}`, `--port=${port}`, `--socket=${path.join(dir, 'mysqld.sock')}`, '--bind-address=127.0.0.1', '--user=root',
    `--pid-file=${path.join(dir, 'mysqld.pid')}`, `--log-error=${path.join(dir, 'mysqld.err')}`, '--skip-log-bin', '--innodb-buffer-pool-size=128M', '--max-connections=500',
  ];
  const bin = fs.existsSync('/usr/sbin/mariadbd') ? '/usr/sbin/mariadbd' : 'mariadbd';
  return serverProcess('MariaDB', port, `mysql://root@127.0.0.1:${port}`, bin, args, path.join(dir, 'mysqld.out'), () => waitForPort(port, 60_000, 'MariaDB'));
}

/** A Redis server of its own on a free port, without persistence (a cache). */
export async function ownRedis(dir: string): Promise<OwnServer> {
  const port = await freePort();
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir];
  return serverProcess('Redis', port, `redis://127.0.0.1:${port}`, 'redis-server', args, path.join(dir, 'redis.log'), () => waitForPort(port, 20_000, 'Redis'));
}
