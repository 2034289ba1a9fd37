/** One structured logger (pino) for every service; LOG_LEVEL sets how much it says. Lines written within a traced request carry its trace_id (lib/tracing.ts). */
import pino from 'pino';
import { traceIds } from './tracing';

export const logger = pino({
  level: process.env.LOG_LEVEL ?? (process.env.NODE_ENV === 'test' ? 'silent' : 'info'),
  base: { service: process.env.SERVICE_NAME },
  mixin: traceIds,
});
