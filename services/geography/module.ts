/** The geography domain: administrative units from the shared reference module; no database. */
import type { DomainModule } from '../../lib/domain';
import { readSchema } from '../../lib/subgraph';
import { geographyResolvers } from './resolvers';

export const geographyModule: DomainModule = {
  name: 'geography',
  createSubgraph: () => ({
    name: 'geography',
    typeDefs: readSchema('geography'),
    resolvers: geographyResolvers,
    context: (identity) => ({ identity }),
  }),
};
