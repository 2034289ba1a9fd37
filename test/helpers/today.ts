/**
 * Jest setup: the tests take 29 November 2026 as today (TODAY, lib/today.ts), whatever the clock
 * says, so that "a period after today" and "the period containing today" mean the same in every run.
 */
process.env.TODAY = '2026-11-29';
