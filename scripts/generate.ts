/**
 * `npm run generate`: the parts of the deployment files that list the subgraphs, written from
 * services/registry.ts, between `BEGIN generated` and `END generated` markers:
 * - docker-compose.yml: one container per subgraph, and the gateway's URLs and dependencies;
 * - .env.template: each subgraph's port and URL variables;
 * - Dockerfile: the ports it exposes;
 * - the indicators subgraph's SDL: the figures objects it reads, its `@requires` selections and
 *   the fields of `Indicators`, from the domains' SDL and indicators (services/indicators/sdl.ts).
 * `--check` (run by `npm test`, like compose:check) fails when a committed file is stale.
 */
import fs from 'node:fs';
import path from 'node:path';
import { envName, GATEWAY_DEFAULT_PORT } from '../lib/config';
import { projectRoot } from '../lib/areas';
import { DOMAIN_MODULES } from '../services/registry';
import type { DomainModule } from '../lib/domain';
import { schemaFile } from '../lib/subgraph';
import { figureObjects } from '../services/indicators/figures';
import { indicatorsSdlRegions } from '../services/indicators/sdl';

const BEGIN = 'BEGIN generated from services/registry.ts (npm run generate)';
const END = 'END generated';

const readyCheck = (port: number) => `      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:${port}/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]`;

function composeService(m: DomainModule): string {
  const db = !!m.migrations;
  return [
    `  ${m.name}:`,
    '    <<: *app',
    `    command: ["node", "dist/services/${m.name}/index.js"]`,
    '    environment:',
    `      <<: *${db ? 'db-env' : 'app-env'}`,
    `      SERVICE_NAME: ${m.name}`,
    ...(db ? ['    depends_on: *needs-stores'] : []),
    '    healthcheck:',
    readyCheck(m.port),
    '      <<: *health',
    '',
  ].join('\n');
}

function composeGateway(modules: readonly DomainModule[]): string {
  return [
    '  gateway:',
    '    <<: *app',
    '    command: ["node", "dist/gateway/index.js"]',
    '    environment:',
    "      # The gateway writes the audit log into the audit domain's database.",
    '      <<: *db-env',
    '      SERVICE_NAME: gateway',
    `      PORT: ${GATEWAY_DEFAULT_PORT}`,
    ...modules.map((m) => `      ${envName(m.name)}_URL: http://${m.name}:${m.port}/graphql`),
    '    ports:',
    `      - "${GATEWAY_DEFAULT_PORT}:${GATEWAY_DEFAULT_PORT}"`,
    '    depends_on:',
    '      redis:',
    '        condition: service_healthy',
    ...modules.flatMap((m) => [`      ${m.name}:`, '        condition: service_healthy']),
    '    healthcheck:',
    readyCheck(GATEWAY_DEFAULT_PORT),
    '      <<: *health',
    '      start_period: 30s',
  ].join('\n');
}

function envLines(modules: readonly DomainModule[]): string {
  const ports = modules.map((m) => `${envName(m.name)}_PORT=${m.port}`);
  const lines: string[] = [];
  for (let i = 0; i < ports.length; i += 5) lines.push(`# ${ports.slice(i, i + 5).join(' ')}`);
  const first = modules[0];
  lines.push(`# ${envName(first.name)}_URL=http://127.0.0.1:${first.port}/graphql (likewise ${modules.slice(1).map((m) => `${envName(m.name)}_URL`).join(', ')})`);
  return lines.join('\n');
}

/** Each file's generated regions (without their marker lines), the comment their markers are written in, and their names where a file has several. */
export function generatedRegions(modules: readonly DomainModule[] = DOMAIN_MODULES): Array<{ file: string; comment: string; text: string; name?: string }> {
  const indicatorsSdl = path.relative(projectRoot(), schemaFile('indicators'));
  return [
    ...indicatorsSdlRegions(figureObjects(modules), modules.flatMap((m) => m.indicators ?? [])).map((r) => ({ file: indicatorsSdl, ...r })),
    { file: 'docker-compose.yml', comment: '  #', text: `${modules.map(composeService).join('\n')}\n${composeGateway(modules)}` },
    { file: '.env.template', comment: '#', text: envLines(modules) },
    { file: 'Dockerfile', comment: '#', text: `EXPOSE ${[GATEWAY_DEFAULT_PORT, ...modules.map((m) => m.port).sort((a, b) => a - b)].join(' ')}` },
  ];
}

/** `current` with the region between its markers (named `name`, if given) replaced by `text`; throws when the markers are missing. */
export function replaceRegion(current: string, file: string, comment: string, text: string, name?: string): string {
  const begin = `${comment} ${BEGIN}${name ? `: ${name}` : ''}\n`;
  const end = `${comment} ${END}\n`;
  const from = current.indexOf(begin);
  const to = current.indexOf(end, from);
  if (from < 0 || to < 0) throw new Error(`${file}: markers "${begin.trim()}" and "${end.trim()}" not found`);
  return `${current.slice(0, from + begin.length)}${text}\n${current.slice(to)}`;
}

if (require.main === module) {
  const check = process.argv.includes('--check');
  const stale: string[] = [];
  try {
    const files = new Map<string, string>();
    for (const { file, comment, text, name } of generatedRegions()) {
      const full = path.join(projectRoot(), file);
      files.set(file, replaceRegion(files.get(file) ?? fs.readFileSync(full, 'utf8'), file, comment, text, name));
    }
    for (const [file, next] of files) {
      const full = path.join(projectRoot(), file);
      if (next === fs.readFileSync(full, 'utf8')) continue;
      if (check) stale.push(file);
      else {
        fs.writeFileSync(full, next);
        console.log(`wrote ${file}`);
      }
    }
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  if (stale.length) {
    console.error(`${stale.join(', ')}: stale against services/registry.ts: run npm run generate and commit the result.`);
    process.exit(1);
  }
  console.log(check ? `${[...new Set(generatedRegions().map((r) => r.file))].join(', ')} are up to date with services/registry.ts.` : 'Generated regions up to date.');
}
