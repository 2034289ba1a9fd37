/**
 * The shape of a domain service module: what `npm start`, each service's entry point, the
 * gateway's tests and the demo seeding all rely on. A domain is one folder under `services/`
 * exporting one of these from `module.ts`.
 */
import type { Knex } from 'knex';
import type { Config, Domain } from './config';
import type { Db } from './db';
import { readSchema, type SubgraphDefinition } from './subgraph';
import type { Identity } from './auth';
import type { AnyImportDefinition } from './import/columns';
import type { IndicatorDefinition } from './indicators';
import type { FigureFields } from './figures';
import type { SummarySpec } from './summaries';

/** How much of the demo world to generate (demo/world.ts). */
export interface DemoOptions {
  seed: string;
  /**
   * 1 gives about 20 citizens and 25 parcels per commune (about 380 citizens and 230 parcels per
   * commune of Hải Dương): about 280,000 citizens in all; 0 gives nothing. Every commune has at
   * least one citizen and one parcel, so small scales give more than their share.
   */
  scale: number;
}

/** A domain's part of the demo world; the demo's own types stay in demo/ (lib does not import it). */
export interface DomainDemo {
  /** The parts of the world to generate besides the citizens (demo/world.ts DemoPart). */
  parts: readonly string[];
  /** The domain's facts of one generated commune (a demo/world.ts DemoCommune). */
  of(commune: any): unknown[];
  /** The table they are stored in, one row per fact (what the benchmark counts as fact rows). */
  table: string;
  /** Fills an empty database with them; returns the rows written. */
  seed(db: Db, options: DemoOptions): Promise<number>;
}

/**
 * A domain's figures of every unit and period: its figures object on AreaStats, read from its
 * summaries by lib/figures.ts (`createFigureLoader`, then `figuresObject`). The benchmark's
 * targets that bypass the subgraphs read them the same way (bench/lib/shape.ts).
 */
export interface DomainFigures<M extends string = string> {
  /** The AreaStats field they are under (`civilStatus`), as the domain's SDL names it. */
  field: string;
  summary: SummarySpec<M>;
  /** Each figure: a stock or flow of a summary metric, or a function of the reading. */
  fields: FigureFields<M>;
}

export interface DomainModule {
  name: Domain;
  /** The port it listens on by default (`<NAME>_PORT` overrides it); unique in the registry. */
  port: number;
  /** The domain's migrations, in name order; absent for a domain without a database. */
  migrations?: Record<string, Knex.Migration>;
  /** Builds the subgraph from its dependencies; never listens. */
  createSubgraph(deps: { db: Db | null; config: Config }): SubgraphDefinition<any>;
  /** The domain's part of the demo world (demo/seed.ts `demoPart`): what seeds it, and what its demo CSV holds. */
  demo?: DomainDemo;
  /** How the domain's import files look and become its facts (`npm run import -- <name> <file>`). */
  imports?: AnyImportDefinition;
  /**
   * The indicators the domain contributes to the catalogue (`services/<name>/indicators.ts`), in
   * the order `AreaStats.indicators` lists them; the indicators subgraph reads every module's.
   */
  indicators?: readonly IndicatorDefinition[];
  /** Its figures on AreaStats, for a domain that has some. */
  figures?: DomainFigures<any>;
}

/** The subgraph of a domain with a database: its SDL from services/<name>/schema.graphql (lib/subgraph.ts `schemaFile`), a health check that asks the database, and closing it on stop. */
export function databaseSubgraph<C extends object>(name: Domain, db: Db, resolvers: Record<string, unknown>, context: (identity: Identity) => C): SubgraphDefinition<C> {
  return {
    name,
    typeDefs: readSchema(name),
    resolvers,
    context,
    health: async () => void (await db.raw('SELECT 1')),
    close: () => db.destroy(),
  };
}
