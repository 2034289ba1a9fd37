/**
 * The import engine resolves a domain's name to its import definition here. The definitions are
 * declared by each domain's module (`imports`) and listed by services/registry.ts.
 *
 * This is the last import from lib/ back up into services/: it goes once `importFile` and
 * `openRowSource` take the definition rather than the domain's name (lib/import/engine.ts and
 * rows.ts are being reworked for speed; the change is left to land after that).
 */
export { IMPORT_DOMAINS, importDefinition } from '../../services/registry';
