/**
 * `npm run new-domain -- <name>`: writes a working data domain from a template, to be filled in:
 * - services/<name>/facts.ts   one example fact (a case, opened and perhaps closed, in a commune),
 *                              declared once with lib/fact-kit.ts (type, row, table, import columns);
 * - services/<name>/module.ts  its subgraph: the figures of every unit and period (AreaStats);
 * - services/<name>/indicators.ts  one example indicator, added to the catalogue;
 * - services/<name>/schema.graphql  its SDL, every type and field described;
 * - services/<name>/index.ts   runs it alone;
 * - services/<name>/<name>.test.ts  imports a file and checks the figures and the indicator through the gateway;
 * and its one line in services/registry.ts, then regenerates what follows from the registry
 * (npm run generate: the deployment files' lists of subgraphs, the indicators subgraph's SDL)
 * and composes the supergraph. The domain composes
 * and its test passes at once; rename the example fact and figures to the domain's own.
 */
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { projectRoot } from '../lib/areas';
import { DOMAIN_MODULES } from '../services/registry';
import { domainTemplate } from './new-domain-template';

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

export const camelOf = (name: string) => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
export const pascalOf = (name: string) => camelOf(name).replace(/^./, (c) => c.toUpperCase());

function main(argv: string[]): number {
  const name = argv.find((a) => !a.startsWith('--'));
  if (!name || !NAME.test(name)) {
    console.error(`usage: npm run new-domain -- <name>\n  <name>: lower case words joined by hyphens, like public-services${name ? ` (not "${name}")` : ''}`);
    return 2;
  }
  const root = projectRoot();
  const folder = path.join(root, 'services', name);
  const taken = DOMAIN_MODULES.find((m) => m.name === name || camelOf(m.name) === camelOf(name));
  if (taken || fs.existsSync(folder) || fs.existsSync(path.join(root, 'schema', `${name}.graphql`))) {
    console.error(`A domain "${name}" exists already (services/${name}/, schema/${name}.graphql or the registry): choose another name`);
    return 1;
  }
  const port = Math.max(...DOMAIN_MODULES.map((m) => m.port)) + 1;
  const files = domainTemplate({ name, camel: camelOf(name), pascal: pascalOf(name), port });
  fs.mkdirSync(folder, { recursive: true });
  for (const [rel, text] of Object.entries(files)) {
    fs.writeFileSync(path.join(root, rel), text);
    console.log(`wrote ${rel}`);
  }
  addToRegistry(path.join(root, 'services', 'registry.ts'), name);
  console.log('added one line to services/registry.ts');
  // The deployment files' lists of subgraphs and the indicators' SDL follow from the registry; the supergraph from them.
  for (const script of ['generate.ts', 'compose.ts']) {
    execFileSync(process.execPath, [path.join(root, 'node_modules', 'tsx', 'dist', 'cli.mjs'), path.join(root, 'scripts', script)], { stdio: 'inherit', cwd: root });
  }
  console.log(`\nNext: fill in services/${name}/ (the example fact, figures and indicator are to be renamed),
then: npm run generate  ·  npm run compose  ·  npx jest services/${name}  ·  npm run schema:check`);
  return 0;
}

/** The registry's list gains one entry, before the indicators and the audit (which read the others). */
export function addToRegistry(file: string, name: string): void {
  const text = fs.readFileSync(file, 'utf8');
  const entry = `  moduleOf(require('./${name}/module')),\n`;
  const marker = '  indicatorsModule,\n';
  if (!text.includes(marker)) throw new Error(`services/registry.ts: cannot find "${marker.trim()}" in DOMAIN_MODULES to add ${name} before it`);
  fs.writeFileSync(file, text.replace(marker, `${entry}${marker}`));
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
