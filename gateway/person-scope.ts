/**
 * One access rule per person, whatever the path. An officer reads person-level data only of
 * persons registered in their provinces, and of every person a record names: a parcel's owner,
 * both spouses of a marriage, the holder of an e-health book or of a criminal record request.
 *
 * Where each person is registered is known to residency alone, so the rule is applied here, at
 * the gateway, to everything an officer's request names:
 * - before execution, the personal IDs the request asks for (its arguments and variables): one
 *   that is unknown or registered elsewhere refuses the whole request, in the same words
 *   (`OUT_OF_SCOPE_MESSAGE`), so that an officer learns neither where a person lives nor whether
 *   the ID exists;
 * - as each subgraph answers, the persons its answer holds (the `personsReturned` each subgraph
 *   reports, lib/person-level.ts): an answer naming anyone outside the officer's provinces is
 *   replaced by the same refusal before any of it is used (gateway/subgraph-client.ts).
 * Residency applies the rule itself to the citizens it serves, so its own answers are not asked
 * about again. Admins read everyone; analysts read no one (the subgraphs refuse them).
 *
 * The lookup is one entity fetch to residency per batch of persons not yet seen in the request,
 * signed for residency as an internal admin identity (it never goes through the public graph).
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError } from 'graphql';
import { getArea } from '../lib/areas';
import { bodyHashOf, IDENTITY_HEADER, isOfficerOnly, mayReadPersonIn, OUT_OF_SCOPE_MESSAGE, signInternalIdentity, type Identity } from '../lib/auth';
import { personalIdsIn } from '../lib/person-level';

/** What a request's context holds for the check: who asks, and what was already decided. */
export interface PersonScopeContext {
  identity?: Identity;
  /** Personal IDs already checked in this request: true when within the caller's provinces. */
  personScope?: Map<string, boolean>;
}

const RESIDENCES = 'query PersonScope($representations: [_Any!]!) { _entities(representations: $representations) { ... on Citizen { id residenceCommuneId } } }';

/** The identity the gateway's own lookups carry: never a caller's, never audited as one. */
const LOOKUP_IDENTITY: Identity = { sub: 'p06-gateway-person-scope', roles: ['admin'], provinces: [], clientAddress: null };

/** The refusal, as a subgraph answer or a request error carries it. */
export const outOfScopeError = () => ({ message: OUT_OF_SCOPE_MESSAGE, extensions: { code: 'FORBIDDEN' } });

export class PersonScope {
  constructor(private readonly residencyUrl: string, private readonly secret: string, private readonly timeoutMs: number) {}

  /** True when the caller may not see every one of these persons (decided per request, each person asked once). */
  async refuses(context: PersonScopeContext, ids: Iterable<string>): Promise<boolean> {
    const identity = context.identity;
    if (!identity || !isOfficerOnly(identity)) return false;
    const known = (context.personScope ??= new Map());
    const unseen = [...new Set(ids)].filter((id) => !known.has(id));
    if (unseen.length) {
      const residences = await this.residences(unseen);
      for (const id of unseen) {
        const commune = residences.get(id);
        const area = commune ? getArea(commune) : undefined;
        known.set(id, !!area && mayReadPersonIn(identity, area));
      }
    }
    for (const id of ids) if (!known.get(id)) return true;
    return false;
  }

  /** Where each person lives today (a two-tier commune's id); unknown persons are absent. */
  private async residences(ids: string[]): Promise<Map<string, string>> {
    const body = JSON.stringify({ query: RESIDENCES, variables: { representations: ids.map((id) => ({ __typename: 'Citizen', id })) } });
    const signature = await signInternalIdentity(this.secret, LOOKUP_IDENTITY, bodyHashOf(body), 'residency');
    const res = await fetch(this.residencyUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: signature },
      body,
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const answer = (await res.json().catch(() => null)) as { data?: { _entities?: ({ id: string; residenceCommuneId: string } | null)[] }; errors?: { message: string }[] } | null;
    const entities = answer?.data?._entities;
    // Fail closed: without residency's answer nobody is within anyone's provinces.
    if (!res.ok || !Array.isArray(entities)) {
      throw new GraphQLError(`Person-level data cannot be checked against your provinces now (residency did not answer: ${answer?.errors?.[0]?.message ?? `HTTP ${res.status}`}); try again shortly`, {
        extensions: { code: 'SUBGRAPH_UNAVAILABLE', serviceName: 'residency' },
      });
    }
    const out = new Map<string, string>();
    for (const e of entities) if (e) out.set(e.id, e.residenceCommuneId);
    return out;
  }
}

/** Refuses, before anything runs, an officer's request that asks for a person outside their provinces (or an unknown one). */
export function personScopePlugin(scope: PersonScope): ApolloServerPlugin<PersonScopeContext & { analysis?: { personLevel: boolean; requestedPersonalIds: string[] } }> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation(rc) {
          const analysis = rc.contextValue.analysis;
          if (!analysis?.personLevel || !rc.contextValue.identity || !isOfficerOnly(rc.contextValue.identity)) return;
          const requested = personalIdsIn(rc.request.variables ?? {}, new Set(analysis.requestedPersonalIds));
          if (requested.size && (await scope.refuses(rc.contextValue, requested))) {
            throw new GraphQLError(OUT_OF_SCOPE_MESSAGE, { extensions: { code: 'FORBIDDEN', http: { status: 403 } } });
          }
        },
      };
    },
  };
}
