/**
 * What a service process tells the process that started it (`npm start`'s supervisor, the soak),
 * over Node's IPC channel when there is one: that it is ready, or why it could not start. The
 * reason is said in words an operator can act on (a port in use, a database refusing), at once,
 * instead of the parent waiting for a health check that will never pass.
 */
import { logger } from './logger';

export type ServiceEvent = { event: 'ready'; service: string; url: string } | { event: 'failed'; service: string; reason: string };

export function announce(message: ServiceEvent): void {
  if (process.send && process.connected) process.send(message);
}

/** Why a service could not start, in one line. */
export function startFailureReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException & { address?: string; port?: number; sqlMessage?: string };
  const where = e?.address !== undefined && e?.port !== undefined ? `${e.address}:${e.port}` : undefined;
  switch (e?.code) {
    case 'EADDRINUSE':
      return `port ${where ?? ''} is already in use by another process (EADDRINUSE): stop it or choose another port`;
    case 'EACCES':
      return `not allowed to listen on ${where ?? 'that port'} (EACCES): ports below 1024 need privileges`;
    case 'EADDRNOTAVAIL':
      return `cannot listen on ${where ?? 'that address'}: no such address on this machine (EADDRNOTAVAIL): check HOST`;
    case 'ECONNREFUSED':
      return `database connection refused at ${where ?? e.message} (ECONNREFUSED): is the database server running, and is MYSQL_URL right?`;
    case 'ER_ACCESS_DENIED_ERROR':
      return `the database refused the credentials (${e.sqlMessage ?? e.message}): check MYSQL_URL`;
    case 'ENOTFOUND':
      return `host not found: ${e.message}`;
    default:
      return (e as Error)?.message ?? String(err);
  }
}

/** Reports a failed start (log, stderr, the parent) and exits with 1; the promise never settles. */
export function failStart(service: string, err: unknown): Promise<never> {
  const reason = startFailureReason(err);
  logger.fatal({ err }, `${service} failed to start`);
  announce({ event: 'failed', service, reason });
  console.error(`${service} failed to start: ${reason}`);
  // Let the IPC message leave before exiting.
  setTimeout(() => process.exit(1), 50);
  return new Promise<never>(() => {});
}
