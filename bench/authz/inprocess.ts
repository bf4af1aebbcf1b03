import { percentile } from '../support.js';
import { type Decide, casbin, casl, gatehouse } from './engines.js';
import { buildPolicy, type BenchQuery } from './policy.js';

export interface BenchResult {
  name: string;
  decisionsPerSecond: number;
  p50Micros: number;
  p99Micros: number;
}

const batch = 100;

/** Decisions per second over `queries`, and per-decision p50/p99 from batches of 100. */
function measure(name: string, decide: Decide, queries: BenchQuery[], rounds: number): BenchResult {
  let sink = 0;
  for (let i = 0; i < Math.min(queries.length, 20_000); i++) if (decide(queries[i])) sink++; // warm up
  const perDecision: number[] = [];
  let total = 0;
  let count = 0;
  for (let round = 0; round < rounds; round++) {
    for (let start = 0; start + batch <= queries.length; start += batch) {
      const t0 = process.hrtime.bigint();
      for (let i = start; i < start + batch; i++) if (decide(queries[i])) sink++;
      const ns = Number(process.hrtime.bigint() - t0);
      perDecision.push(ns / batch / 1000);
      total += ns;
      count += batch;
    }
  }
  if (sink < 0) console.log(sink);
  perDecision.sort((a, b) => a - b);
  return { name, decisionsPerSecond: count / (total / 1e9), p50Micros: percentile(perDecision, 50), p99Micros: percentile(perDecision, 99) };
}

export async function runInProcessBench(): Promise<BenchResult[]> {
  const { members, queries } = buildPolicy();
  const engines = { gatehouse: gatehouse(members), casl: casl(members), casbin: await casbin(members) };
  // All three must decide alike before their speed means anything.
  const sample = queries.slice(0, 5000);
  let agree = 0;
  let allowed = 0;
  for (const query of sample) {
    const g = engines.gatehouse(query);
    if (g) allowed++;
    if (g === engines.casl(query) && g === engines.casbin(query)) agree++;
  }
  console.log(`agreement on ${sample.length} sampled checks: ${((agree / sample.length) * 100).toFixed(2)}% (${((allowed / sample.length) * 100).toFixed(0)}% allowed)`);
  if (agree !== sample.length) throw new Error('the engines disagree: the comparison would be meaningless');
  const results: BenchResult[] = [];
  // Interleave: each engine runs in turn, twice; casbin gets fewer queries (it is slow).
  const runs: Record<string, BenchResult[]> = { gatehouse: [], casl: [], casbin: [] };
  for (let round = 0; round < 2; round++) {
    runs.gatehouse.push(measure('gatehouse', engines.gatehouse, queries, 3));
    runs.casl.push(measure('casl', engines.casl, queries, 1));
    runs.casbin.push(measure('casbin', engines.casbin, queries.slice(0, 2000), 1));
  }
  for (const [name, list] of Object.entries(runs)) {
    const best = list.sort((a, b) => b.decisionsPerSecond - a.decisionsPerSecond)[0];
    results.push({ ...best, name });
  }
  return results;
}
