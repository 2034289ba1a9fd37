/** The geography domain: administrative units from the shared reference module; no database. */
import type { DomainModule } from '../../lib/domain';
import { readSchema } from '../../lib/subgraph';
import { geographyResolvers } from './resolvers';
import { todayFor } from '../../lib/today';

export const geographyModule: DomainModule = {
  name: 'geography',
  port: 4001,
  createSubgraph: ({ config }) => ({
    name: 'geography',
    typeDefs: readSchema('geography'),
    resolvers: geographyResolvers,
    context: (identity) => ({ identity, today: todayFor(config) }),
  }),
};
