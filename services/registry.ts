/**
 * The list of subgraphs, in composition order. Adding a data domain means adding its folder
 * under `services/` (a DomainModule exported from `module.ts`, its SDL in `schema.graphql`, its
 * indicators in `indicators.ts`; `npm run new-domain` writes one) and its entry here: the compose
 * script, `npm start`, the gateway, the import CLI, the demo, the benchmark, the indicator
 * catalogue and the generated files (`npm run generate`) all follow this one list.
 */
import type { Domain } from '../lib/config';
import type { DomainModule } from '../lib/domain';
import type { AnyImportDefinition } from '../lib/import/columns';
import type { IndicatorDefinition } from '../lib/indicators';
import { ImportError } from '../lib/import/problems';
import { geographyModule } from './geography/module';
import { residencyModule } from './residency/module';
import { landModule } from './land/module';
import { civilStatusModule } from './civil-status/module';
import { justiceRecordsModule } from './justice-records/module';
import { healthModule } from './health/module';
import { indicatorsModule } from './indicators/module';
import { auditModule } from './audit/module';

/** The DomainModule a domain's `module.ts` exports: a domain joins with one line, `moduleOf(require('./<name>/module'))`. */
export function moduleOf(exports: Record<string, unknown>): DomainModule {
  const found = Object.values(exports).filter((v): v is DomainModule => !!v && typeof v === 'object' && typeof (v as DomainModule).createSubgraph === 'function');
  if (found.length !== 1) throw new Error(`services/registry.ts: a domain's module.ts exports one DomainModule; found ${found.length}`);
  return found[0];
}

export const DOMAIN_MODULES: readonly DomainModule[] = [
  geographyModule,
  residencyModule,
  landModule,
  civilStatusModule,
  justiceRecordsModule,
  healthModule,
  indicatorsModule,
  auditModule,
];

export const SUBGRAPHS: readonly Domain[] = DOMAIN_MODULES.map((m) => m.name);

// One name, one port: two modules declaring the same would only fail when both listen.
for (const [i, m] of DOMAIN_MODULES.entries()) {
  const clash = DOMAIN_MODULES.slice(0, i).find((o) => o.name === m.name || o.port === m.port);
  if (clash) throw new Error(`services/registry.ts: ${m.name} and ${clash.name} declare the same ${clash.name === m.name ? 'name' : `port ${m.port}`}`);
}

/**
 * The indicator catalogue: every module's own indicators (`services/<name>/indicators.ts`), in
 * registry order. The indicators subgraph computes them; its SDL's `Indicators` fields and
 * `@requires` selections are generated from this list (`npm run generate`).
 */
export const INDICATOR_CATALOG: readonly IndicatorDefinition[] = DOMAIN_MODULES.flatMap((m) => m.indicators ?? []);

for (const [i, d] of INDICATOR_CATALOG.entries()) {
  if (INDICATOR_CATALOG.findIndex((o) => o.id === d.id) !== i) throw new Error(`services/registry.ts: two domains declare indicator ${d.id}`);
}

export function domainModule(name: string): DomainModule {
  const found = DOMAIN_MODULES.find((m) => m.name === name);
  if (!found) throw new Error(`Unknown service "${name}"; known: ${SUBGRAPHS.join(', ')}`);
  return found;
}

/** The domains that take imports, by the name the command line uses: those whose module declares `imports`. */
export const IMPORT_DOMAINS: Readonly<Record<string, AnyImportDefinition>> = Object.fromEntries(
  DOMAIN_MODULES.filter((m) => m.imports).map((m) => [m.name, m.imports!]),
);

export function importDefinition(domain: string): AnyImportDefinition {
  const found = Object.hasOwn(IMPORT_DOMAINS, domain) ? IMPORT_DOMAINS[domain] : undefined;
  if (!found) throw new ImportError(`unknown domain "${domain}"; imports exist for: ${Object.keys(IMPORT_DOMAINS).join(', ')}`);
  return found;
}
