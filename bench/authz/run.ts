// npm run bench:authz — the authorization check: in process against CASL and casbin on one
// policy, then over HTTP against a constant route with the same body schema.
import { cpus } from 'node:os';
import { runHttpBench } from './http.js';
import { runInProcessBench } from './inprocess.js';

console.log(`machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}`);
console.log('in process: default catalog, 50 roles, 10,000 members with profile/resource scopes and own rules, 100,000 checks');
const results = await runInProcessBench();
const by = Object.fromEntries(results.map((result) => [result.name, result]));
for (const result of results) {
  console.log(`${result.name.padEnd(12)}${(result.decisionsPerSecond / 1e6).toFixed(3).padStart(10)} M decisions/s   p50 ${result.p50Micros.toFixed(3)} µs   p99 ${result.p99Micros.toFixed(3)} µs`);
}
console.log(`gatehouse / casl:   ${(by.gatehouse.decisionsPerSecond / by.casl.decisionsPerSecond).toFixed(1)}x  (target ≥ 2x)`);
console.log(`gatehouse / casbin: ${(by.gatehouse.decisionsPerSecond / by.casbin.decisionsPerSecond).toFixed(0)}x  (target ≥ 50x)`);
await runHttpBench(Number(process.env.BENCH_SECONDS ?? 5));
