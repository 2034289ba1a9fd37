import { demoWorld } from './demo/world';
import { dossiersOf } from './services/public-services/demo';
import { placeOf, provinceOf, areaByCode } from './lib/areas';
const t0 = process.cpuUsage();
const month = new Map<string, [number, number]>();
const hd = new Map<string, [number, number]>();
let total = 0;
const cuaLo = new Set(['16717','16720','16723','16726','16729','16732','16735']);
let cuaLoDossiers = 0, cuaLoPop = 0;
for (const c of demoWorld({ seed: 'p06', scale: Number(process.env.SCALE ?? 0.5) }, [])) {
  for (const cz of c.citizens) {
    // residence on 2022-10-31
    const all = [...cz.previousResidences, { communeCode: cz.communeCode, communeStructure: cz.communeStructure, registeredOn: cz.registeredOn }];
    let here: string | null = null;
    for (const r of all) if (r.registeredOn <= '2022-10-31') here = r.communeCode;
    if (here === null && all[0].registeredOn > '2022-10-31') here = null;
    if (cz.residenceEndedOn && cz.residenceEndedOn <= '2022-10-31') here = null;
    if (here && cuaLo.has(here)) cuaLoPop++;
  }
  for (const d of dossiersOf(c)) {
    total++;
    const m = d.receivedOn.slice(0, 7);
    const online = d.channel !== 'COUNTER' ? 1 : 0;
    const e = month.get(m) ?? [0, 0]; e[0]++; e[1] += online; month.set(m, e);
    const p = placeOf(d.communeCode, d.communeStructure, d.dossierId, 'people');
    if (provinceOf(p.oldUnit)!.code === '30') { const h = hd.get(m) ?? [0, 0]; h[0]++; h[1] += online; hd.set(m, h); }
    if (cuaLo.has(p.oldUnit.code) && d.receivedOn >= '2022-01-01' && d.receivedOn <= '2022-10-31') cuaLoDossiers++;
  }
}
const cpu = process.cpuUsage(t0);
console.log('total', total, 'cpu s', (cpu.user + cpu.system) / 1e6);
for (const m of ['2022-01','2022-12','2023-04','2024-06','2025-06','2025-12','2026-10']) {
  const n = month.get(m)!, h = hd.get(m)!;
  console.log(m, 'nation', n[0], (n[1]/n[0]).toFixed(4), 'HD', h[0], (h[1]/h[0]).toFixed(4));
}
console.log('cuaLo', cuaLoDossiers, cuaLoPop, cuaLoDossiers / cuaLoPop);
