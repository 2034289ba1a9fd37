/**
 * Hot reload of the supergraph: a running gateway picks up a changed SUPERGRAPH_FILE while
 * requests keep coming (none fails), and keeps serving the previous supergraph when the new file
 * does not load, saying why in `/ready` and in the reload metric.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readSupergraph } from '../../gateway/server';
import { startGraph, testDatabases, type RunningGraph } from '../helpers/graph';

const POLL_MS = 100;

/** The supergraph with one more root field, served by geography: visible in introspection once loaded. */
function withProbeField(sdl: string): string {
  const start = sdl.indexOf('{', sdl.indexOf('\ntype Query'));
  return `${sdl.slice(0, start + 1)}\n  reloadProbe: String @join__field(graph: GEOGRAPHY)${sdl.slice(start + 1)}`;
}

describe('supergraph hot reload', () => {
  let graph: RunningGraph;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'p06-supergraph-'));
  const file = path.join(dir, 'supergraph.graphql');
  const original = readSupergraph();

  beforeAll(async () => {
    fs.writeFileSync(file, original);
    graph = await startGraph({ ...testDatabases()[0].config('reload'), SUPERGRAPH_FILE: file, SUPERGRAPH_POLL_MS: POLL_MS });
  });
  afterAll(() => graph?.stop());

  /** Writes the file as deployments should: beside it, then renamed into place. */
  const replace = (text: string) => {
    fs.writeFileSync(`${file}.tmp`, text);
    fs.renameSync(`${file}.tmp`, file);
  };
  const hasProbe = async () => {
    const res = await graph.queryGateway(`{ __type(name: "Query") { fields { name } } }`);
    return res.data.__type.fields.some((f: { name: string }) => f.name === 'reloadProbe') as boolean;
  };
  const reloads = async (outcome: string) => {
    const text = await (await fetch(graph.gatewayUrl.replace(/graphql$/, 'metrics'))).text();
    return Number(new RegExp(`^p06_supergraph_reloads_total\\{outcome="${outcome}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };
  const waitFor = async (check: () => Promise<boolean>) => {
    const deadline = Date.now() + 10_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('not reloaded within 10 s');
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };

  test('a changed file is served without dropping a request', async () => {
    expect(await hasProbe()).toBe(false);
    const provinces = (await graph.queryGateway(`{ nation { provinces { code } } }`, undefined, 'anonymous')).data.nation.provinces.length;
    // Requests all along the reload: each must answer with data and no error.
    let running = true;
    const answers: unknown[] = [];
    const load = (async () => {
      while (running) {
        const res = await graph.queryGateway(`{ nation { name provinces { code } } }`, undefined, 'anonymous');
        answers.push(res.errors ?? res.data.nation.provinces.length);
      }
    })();
    await new Promise((r) => setTimeout(r, 300));
    replace(withProbeField(original));
    await waitFor(hasProbe);
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await load;
    expect(answers.length).toBeGreaterThan(5);
    expect(new Set(answers)).toEqual(new Set([provinces]));
    expect(await reloads('ok')).toBe(1);
  });

  test('a file that does not load leaves the previous supergraph in place and says why', async () => {
    const served = await (await fetch(graph.gatewayUrl.replace(/graphql$/, 'ready'))).json();
    replace(original.replace('type Query', 'type Query @join__type(graph: NOWHERE)'));
    await waitFor(async () => (await reloads('failed')) === 1);
    const ready = await (await fetch(graph.gatewayUrl.replace(/graphql$/, 'ready'))).json();
    expect(ready.supergraph.id).toBe(served.supergraph.id);
    expect(ready.supergraph.lastError.message).toMatch(/NOWHERE/);
    expect(await hasProbe()).toBe(true);
    const res = await graph.queryGateway(`{ nation { provinces { code } } }`, undefined, 'anonymous');
    expect(res.errors).toBeUndefined();
    expect(res.data.nation.provinces.length).toBeGreaterThan(0);
    // A good file again clears the error.
    replace(original);
    await waitFor(async () => !(await hasProbe()));
    const after = await (await fetch(graph.gatewayUrl.replace(/graphql$/, 'ready'))).json();
    expect(after.supergraph.lastError).toBeUndefined();
  });
});
