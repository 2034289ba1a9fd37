/**
 * The errors users see. Every refusal of bad input is a GraphQLError with a stable code and a
 * message that names the bad value, so an analyst can fix the query without reading logs.
 */
import { GraphQLError } from 'graphql';

export function badInput(message: string, details: { argumentName?: string; value?: unknown } = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...details } });
}

export function notFound(message: string, details: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'NOT_FOUND', ...details } });
}
