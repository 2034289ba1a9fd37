/**
 * `npm run token -- --role officer --provinces 30 --sub someone [--expires 8h]`: prints a bearer
 * token signed with JWT_SECRET, or the development secret when none is set. Roles: analyst,
 * officer, admin (comma-separated for several); provinces: 2-digit codes, comma-separated.
 */
import { parseArgs } from 'node:util';
import { DEV_JWT_SECRET, ROLES, signUserToken, type Role } from '../lib/auth';
import { provinceCodes } from '../lib/areas';
import { loadConfig } from '../lib/config';

function fail(message: string): never {
  console.error(`${message}\nUsage: npm run token -- --role analyst|officer|admin [--provinces 30,01] [--sub name] [--expires 8h]`);
  process.exit(2);
}

async function main() {
  const { values } = parseArgs({
    options: { role: { type: 'string' }, provinces: { type: 'string', default: '' }, sub: { type: 'string' }, expires: { type: 'string', default: '8h' } },
    strict: true,
  });
  const roles = (values.role ?? '').split(',').map((r) => r.trim()).filter(Boolean);
  if (roles.length === 0) fail('Missing --role');
  const unknownRole = roles.find((r) => !(ROLES as readonly string[]).includes(r));
  if (unknownRole) fail(`Unknown role "${unknownRole}": expected ${ROLES.join(', ')}`);
  const provinces = values.provinces!.split(',').map((p) => p.trim()).filter(Boolean);
  const unknownProvince = provinces.find((p) => !provinceCodes().has(p));
  if (unknownProvince) fail(`Unknown province code "${unknownProvince}"`);
  if (roles.includes('officer') && provinces.length === 0) fail('An officer needs --provinces (the province codes they serve)');
  if (!/^\d+[smhd]$/.test(values.expires!)) fail(`Invalid --expires "${values.expires}": e.g. 30m, 8h`);
  const seconds = Number(values.expires!.slice(0, -1)) * { s: 1, m: 60, h: 3600, d: 86_400 }[values.expires!.slice(-1) as 's' | 'm' | 'h' | 'd'];
  const maxLifetime = loadConfig().JWT_MAX_LIFETIME;
  if (seconds > maxLifetime) fail(`--expires ${values.expires} is longer than JWT_MAX_LIFETIME (${maxLifetime} s): the gateway would refuse the token`);
  const secret = process.env.JWT_SECRET ?? DEV_JWT_SECRET;
  if (!process.env.JWT_SECRET) console.error('(signed with the development secret: set JWT_SECRET to sign for a configured gateway)');
  console.log(await signUserToken(secret, { sub: values.sub ?? `${roles[0]}-user`, roles: roles as Role[], provinces }, values.expires));
}

main().catch((err) => fail((err as Error).message));
