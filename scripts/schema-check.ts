/**
 * `npm run schema:check` (run by `npm test`, and so by CI): does a schema change break a client?
 *
 * Each subgraph's SDL and the supergraph's API schema are compared, with @graphql-inspector/core,
 * to the committed baseline in `schema/baseline/` — a committed copy, because CI's clean clone has
 * no other history to compare with. A breaking change fails the check, naming the field and the
 * reason, unless `schema/accepted-changes.json` lists it (subgraph, path, change type) with a
 * reason. That file also holds, by hand, the changes of meaning no diff can see (a code that now
 * names another unit). The registered operations (`operations/*.graphql`) are validated against
 * the supergraph, so a change that breaks one of them fails too.
 *
 * `npm run schema:baseline` copies today's SDL into the baseline, deliberately: the accepted
 * breaking changes it now contains move to the file's history, with the date.
 */
import fs from 'node:fs';
import path from 'node:path';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { Supergraph } from '@apollo/federation-internals';
import { CriticalityLevel, diff, validate, type Change } from '@graphql-inspector/core';
import { GraphQLSchema, Source, parse } from 'graphql';
import { SUBGRAPHS } from '../services/registry';
import { projectRoot } from '../lib/areas';
import { schemaFile } from '../lib/subgraph';
import { today } from '../lib/today';

/** A breaking change let through on purpose; `reason` says why clients may bear it. */
export interface AcceptedBreakingChange {
  /** A subgraph's name, or `supergraph`. */
  schema: string;
  /** The inspector's path, e.g. `Parcel.areaM2`. */
  path: string;
  /** The inspector's change type, e.g. `FIELD_REMOVED`. */
  type: string;
  reason: string;
  /** Set by `schema:baseline` when the baseline took the change in. */
  baselinedOn?: string;
}

/** A change of meaning no schema diff can see, listed by hand. */
export interface MeaningChange {
  date: string;
  /** What changed meaning: a field, an argument's value, a code list. */
  what: string;
  was: string;
  now: string;
  reason: string;
}

export interface AcceptedChanges {
  breaking: AcceptedBreakingChange[];
  meaning: MeaningChange[];
  history: AcceptedBreakingChange[];
}

export interface SchemaCheckOptions {
  /** A subgraph's SDL as it is now (lib/subgraph.ts `schemaFile`). */
  sdlFile: (subgraph: string) => string;
  /** The composed supergraph as it is now. */
  supergraphFile: string;
  baselineDir: string;
  acceptedFile: string;
  operationsDir: string;
  subgraphs: readonly string[];
}

export interface SchemaProblem {
  schema: string;
  path?: string;
  type?: string;
  message: string;
}

export interface SchemaCheckReport {
  /** Breaking changes not accepted, and operations that no longer validate: these fail the check. */
  failures: SchemaProblem[];
  /** Breaking changes accepted with a reason. */
  accepted: Array<SchemaProblem & { reason: string }>;
  /** Dangerous changes (a new enum value, say): printed, not failed. */
  warnings: SchemaProblem[];
  /** Accepted entries that match no change: stale, printed so the file stays true. */
  unusedAcceptances: AcceptedBreakingChange[];
  compared: string[];
}

export function defaultOptions(root = projectRoot()): SchemaCheckOptions {
  return {
    sdlFile: (name) => schemaFile(name, root),
    supergraphFile: path.join(root, 'schema', 'supergraph.graphql'),
    baselineDir: path.join(root, 'schema', 'baseline'),
    acceptedFile: path.join(root, 'schema', 'accepted-changes.json'),
    operationsDir: path.join(root, 'operations'),
    subgraphs: SUBGRAPHS,
  };
}

export function readAcceptedChanges(file: string): AcceptedChanges {
  const empty: AcceptedChanges = { breaking: [], meaning: [], history: [] };
  if (!fs.existsSync(file)) return empty;
  const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<AcceptedChanges>;
  const out = { ...empty, ...parsed };
  for (const [i, entry] of out.breaking.entries()) {
    for (const key of ['schema', 'path', 'type', 'reason'] as const) {
      if (typeof entry[key] !== 'string' || entry[key].trim() === '') {
        throw new Error(`${path.basename(file)}: breaking[${i}] needs a non-empty "${key}" (every accepted change says what and why)`);
      }
    }
  }
  for (const [i, entry] of out.meaning.entries()) {
    for (const key of ['date', 'what', 'was', 'now', 'reason'] as const) {
      if (typeof entry[key] !== 'string' || entry[key].trim() === '') {
        throw new Error(`${path.basename(file)}: meaning[${i}] needs a non-empty "${key}"`);
      }
    }
  }
  return out;
}

/**
 * The federation machinery of a subgraph's SDL (`@link`, `@composeDirective`, the `federation__`
 * directives buildSubgraphSchema adds) is the gateway's business, not a client's: it is left to
 * composition, which fails on its own.
 */
function isFederationMachinery(change: Change): boolean {
  const p = change.path ?? '';
  return p.startsWith('.@') || /^@(federation__|link__|link$|composeDirective$)/.test(p);
}

/** A type losing `@personLevel` would no longer be audited, and would be cached: that breaks a promise, not a query. */
function personLevelRemovalIsBreaking(change: Change): Change {
  if (!/^DIRECTIVE_USAGE_.*_REMOVED$/.test(change.type) || !change.path?.endsWith('.@personLevel')) return change;
  return {
    ...change,
    criticality: { level: CriticalityLevel.Breaking, reason: 'reads of this type would no longer be audited, and their answers would be cached' },
  };
}

function subgraphSchema(sdl: string): GraphQLSchema {
  return buildSubgraphSchema({ typeDefs: parse(sdl) });
}

/** What clients see of the supergraph: its API schema, without the join__ machinery. */
export function supergraphApiSchema(sdl: string): GraphQLSchema {
  return Supergraph.build(sdl).apiSchema().toGraphQLJSSchema();
}

function read(file: string): string | null {
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : null;
}

export async function checkSchemas(options: SchemaCheckOptions): Promise<SchemaCheckReport> {
  const accepted = readAcceptedChanges(options.acceptedFile);
  const report: SchemaCheckReport = { failures: [], accepted: [], warnings: [], unusedAcceptances: [], compared: [] };
  const used = new Set<AcceptedBreakingChange>();

  const record = (schema: string, changes: Change[]) => {
    for (const change of changes.filter((c) => !isFederationMachinery(c)).map(personLevelRemovalIsBreaking)) {
      const problem: SchemaProblem = {
        schema,
        path: change.path,
        type: change.type,
        message: change.criticality.reason ? `${change.message}: ${change.criticality.reason}` : change.message,
      };
      if (change.criticality.level === CriticalityLevel.Breaking) {
        const match = accepted.breaking.find((a) => a.schema === schema && a.path === change.path && a.type === change.type);
        if (match) {
          used.add(match);
          report.accepted.push({ ...problem, reason: match.reason });
        } else {
          report.failures.push(problem);
        }
      } else if (change.criticality.level === CriticalityLevel.Dangerous) {
        report.warnings.push(problem);
      }
    }
  };

  for (const name of options.subgraphs) {
    const now = read(options.sdlFile(name));
    const before = read(path.join(options.baselineDir, `${name}.graphql`));
    if (now === null) {
      report.failures.push({ schema: name, message: `${path.relative(path.dirname(path.dirname(options.supergraphFile)), options.sdlFile(name))} is missing` });
      continue;
    }
    // A subgraph new since the baseline breaks nothing; the baseline takes it in when next updated.
    if (before === null) continue;
    record(name, await diff(subgraphSchema(before), subgraphSchema(now)));
    report.compared.push(name);
  }
  // A subgraph dropped from the registry breaks every client of its fields: the supergraph diff names them.
  const superNow = read(options.supergraphFile);
  const superBefore = read(path.join(options.baselineDir, 'supergraph.graphql'));
  if (superNow === null) {
    report.failures.push({ schema: 'supergraph', message: 'schema/supergraph.graphql is missing: run npm run compose' });
  } else {
    const api = supergraphApiSchema(superNow);
    if (superBefore !== null) {
      record('supergraph', await diff(supergraphApiSchema(superBefore), api));
      report.compared.push('supergraph');
    }
    for (const problem of validateOperations(api, options.operationsDir)) report.failures.push(problem);
  }
  report.unusedAcceptances = accepted.breaking.filter((a) => !used.has(a));
  return report;
}

/** Every registered operation must still validate against the supergraph (deprecations are warnings elsewhere). */
export function validateOperations(api: GraphQLSchema, dir: string): SchemaProblem[] {
  if (!fs.existsSync(dir)) return [];
  const sources = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.graphql'))
    .sort()
    .map((f) => new Source(fs.readFileSync(path.join(dir, f), 'utf8'), `operations/${f}`));
  const problems: SchemaProblem[] = [];
  for (const invalid of validate(api, sources, { strictFragments: true })) {
    for (const error of invalid.errors) {
      problems.push({ schema: 'supergraph', path: invalid.source.name, message: `${invalid.source.name}: ${error.message}` });
    }
  }
  return problems;
}

/** Copies today's SDL into the baseline; accepted breaking changes move to the history. */
export function updateBaseline(options: SchemaCheckOptions, today: string): string[] {
  fs.mkdirSync(options.baselineDir, { recursive: true });
  const written: string[] = [];
  for (const name of [...options.subgraphs, 'supergraph']) {
    const from = name === 'supergraph' ? options.supergraphFile : options.sdlFile(name);
    fs.copyFileSync(from, path.join(options.baselineDir, `${name}.graphql`));
    written.push(name);
  }
  // A baseline file for a subgraph no longer in the registry would be compared with nothing.
  for (const file of fs.readdirSync(options.baselineDir)) {
    if (file.endsWith('.graphql') && !written.includes(file.replace(/\.graphql$/, ''))) {
      fs.rmSync(path.join(options.baselineDir, file));
    }
  }
  const accepted = readAcceptedChanges(options.acceptedFile);
  const moved = accepted.breaking.map((a) => ({ ...a, baselinedOn: today }));
  const next: AcceptedChanges = { breaking: [], meaning: accepted.meaning, history: [...accepted.history, ...moved] };
  fs.writeFileSync(options.acceptedFile, `${JSON.stringify(next, null, 2)}\n`);
  return written;
}

export function formatReport(report: SchemaCheckReport): string {
  const lines: string[] = [];
  const where = (p: SchemaProblem) => `${p.schema}${p.path ? ` ${p.path}` : ''}${p.type ? ` (${p.type})` : ''}`;
  for (const p of report.failures) lines.push(`BREAKING  ${where(p)}: ${p.message}`);
  for (const p of report.accepted) lines.push(`accepted  ${where(p)}: ${p.message} — accepted because: ${p.reason}`);
  for (const p of report.warnings) lines.push(`dangerous ${where(p)}: ${p.message}`);
  for (const a of report.unusedAcceptances) lines.push(`unused    accepted-changes.json entry ${a.schema} ${a.path} (${a.type}) matches no change`);
  return lines.join('\n');
}

if (require.main === module) {
  // `--root <dir>`: check another copy of the project (the schema-check test's changed copy).
  const rootAt = process.argv.indexOf('--root');
  const options = defaultOptions(rootAt > 0 ? path.resolve(process.argv[rootAt + 1]) : projectRoot());
  if (process.argv.includes('--update')) {
    const written = updateBaseline(options, today());
    console.log(`Baseline updated from today's SDL: ${written.join(', ')} (schema/baseline/). Commit it.`);
  } else {
    checkSchemas(options).then(
      (report) => {
        const text = formatReport(report);
        if (text) console.log(text);
        if (report.failures.length > 0) {
          console.error(
            `\n${report.failures.length} breaking change(s) against schema/baseline/. If clients may bear one, list it ` +
              'in schema/accepted-changes.json ("breaking": [{"schema", "path", "type", "reason"}]); ' +
              'then, deliberately, npm run schema:baseline.',
          );
          process.exit(1);
        }
        console.log(`Schema check: ${report.compared.length} schemas compared with the baseline, no unaccepted breaking change; operations valid.`);
      },
      (err: Error) => {
        console.error(err.message);
        process.exit(1);
      },
    );
  }
}
