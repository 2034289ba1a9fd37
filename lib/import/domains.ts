/**
 * The domains that take imports, by the name the command line uses. A domain joins by adding
 * its `services/<domain>/import.ts` (columns, rules, row to fact) here.
 */
import { residencyImport } from '../../services/residency/import';
import { landImport } from '../../services/land/import';
import { civilStatusImport } from '../../services/civil-status/import';
import { justiceRecordsImport } from '../../services/justice-records/import';
import { healthImport } from '../../services/health/import';
import type { AnyImportDefinition } from './columns';
import { ImportError } from './problems';

export const IMPORT_DOMAINS: Readonly<Record<string, AnyImportDefinition>> = {
  residency: residencyImport,
  land: landImport,
  'civil-status': civilStatusImport,
  'justice-records': justiceRecordsImport,
  health: healthImport,
};

export function importDefinition(domain: string): AnyImportDefinition {
  const found = Object.hasOwn(IMPORT_DOMAINS, domain) ? IMPORT_DOMAINS[domain] : undefined;
  if (!found) throw new ImportError(`unknown domain "${domain}"; imports exist for: ${Object.keys(IMPORT_DOMAINS).join(', ')}`);
  return found;
}
