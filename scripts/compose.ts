/**
 * Composes each subgraph's SDL (`services/<name>/schema.graphql`, lib/subgraph.ts `schemaFile`)
 * into `schema/supergraph.graphql` with Apollo's
 * composition library. Fails loudly (exit 1, every composition error printed) rather than
 * write a supergraph that a router would refuse. `--check` compares instead of writing, for CI.
 */
import fs from 'node:fs';
import path from 'node:path';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { domainModule, SUBGRAPHS } from '../services/registry';
import { subgraphUrl } from '../lib/config';
import { projectRoot } from '../lib/areas';
import { schemaFile } from '../lib/subgraph';

/** The subgraphs' SDL of the project at `root`; the schema-check test composes a changed copy of it. */
export function composeSupergraph(root = projectRoot()): string {
  const services = SUBGRAPHS.map((name) => ({
    name,
    // The URL baked into the file is the local default; the gateway and any router override it.
    url: subgraphUrl(domainModule(name), {}),
    typeDefs: parse(fs.readFileSync(schemaFile(name, root), 'utf8')),
  }));
  const result = composeServices(services);
  if (result.errors) {
    throw new Error(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  }
  return result.supergraphSdl;
}

if (require.main === module) {
  try {
    const sdl = composeSupergraph();
    const file = path.join(projectRoot(), 'schema', 'supergraph.graphql');
    if (process.argv.includes('--check')) {
      const current = fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
      if (current !== sdl) {
        console.error('schema/supergraph.graphql is stale: run `npm run compose` and commit the result.');
        process.exit(1);
      }
      console.log('schema/supergraph.graphql is up to date.');
    } else {
      // Beside it, then renamed into place: a running gateway reloading it never reads half a file.
      fs.writeFileSync(`${file}.tmp`, sdl);
      fs.renameSync(`${file}.tmp`, file);
      console.log(`Composed ${SUBGRAPHS.length} subgraphs into schema/supergraph.graphql`);
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
}
