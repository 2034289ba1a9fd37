/**
 * The errors users see. Every refusal of bad input is a GraphQLError with a stable code and a
 * message that names the bad value, so an analyst can fix the query without reading logs.
 *
 * A value is quoted in a message as far as it helps to recognise it: a 90 kB argument echoed
 * whole would make every refusal of it 90 kB (and a log line per refusal as large).
 */
import { GraphQLError } from 'graphql';

/** Characters of a quoted value kept in a message; the rest is replaced by its length. */
export const QUOTED_VALUE_CHARS = 60;
/** Characters of a whole message, whatever it quotes. */
export const MESSAGE_CHARS = 1000;

/** A long string cut to its first characters, saying how long it was. */
export function shortenValue<T>(value: T): T | string {
  if (typeof value !== 'string' || value.length <= QUOTED_VALUE_CHARS + 20) return value;
  return `${value.slice(0, QUOTED_VALUE_CHARS)}… (${value.length} characters)`;
}

/**
 * A message with every long quoted value cut (`"xxxx…" (90000 characters)`), and the whole cut
 * at MESSAGE_CHARS (graphql-js quotes values it cannot coerce, and prints list literals whole).
 */
export function shortenMessage(message: string): string {
  // Every quoted string is matched, short ones too, so that quotes pair up from the left.
  const quoted = message.replace(/"((?:[^"\\]|\\.)*)"/g, (whole, inner: string) => (inner.length <= QUOTED_VALUE_CHARS + 20 ? whole : `"${inner.slice(0, QUOTED_VALUE_CHARS)}…" (${inner.length} characters)`));
  return quoted.length <= MESSAGE_CHARS ? quoted : `${quoted.slice(0, MESSAGE_CHARS)}… (message cut at ${MESSAGE_CHARS} of ${quoted.length} characters)`;
}

export function badInput(message: string, details: { argumentName?: string; value?: unknown } = {}): GraphQLError {
  const extensions: Record<string, unknown> = { code: 'BAD_USER_INPUT', ...details };
  if ('value' in details) extensions.value = shortenValue(details.value);
  return new GraphQLError(shortenMessage(message), { extensions });
}

export function notFound(message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(shortenMessage(message), { extensions: { code: 'NOT_FOUND', ...details } });
}
