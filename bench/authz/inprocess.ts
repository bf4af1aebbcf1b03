import type { CheckInput, ChecksDeps } from '../../src/checks/service.js';
import { check } from '../../src/checks/service.js';
import { percentile } from '../support.js';
import { bitset, casbin, casl, type Decide, gatehouse } from './engines.js';
import type { BenchPolicy } from './policy.js';

export interface BenchResult {
  name: string;
  decisionsPerSecond: number;
  p50Micros: number;
  p99Micros: number;
}

const batch = 100;

/** Decisions per second over `queries`, and per-decision p50/p99 from batches of 100. */
function measure(name: string, decide: Decide, queries: CheckInput[], rounds: number): BenchResult {
  let sink = 0;
  for (let i = 0; i < Math.min(queries.length, 20_000); i++) if (decide(queries[i])) sink++; // warm-up
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
  return {
    name,
    decisionsPerSecond: count / (total / 1e9),
    p50Micros: percentile(perDecision, 50),
    p99Micros: percentile(perDecision, 99),
  };
}

/**
 * The first checks after a restart: a fresh AccessService answers `count` checks one after
 * another (each awaited); how long the very first took, the p99 of the rest, and how many loaded.
 */
export async function coldStart(deps: ChecksDeps, queries: CheckInput[], count = 2000) {
  const times: number[] = [];
  let loaded = 0;
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const answer = check(deps, { type: 'platform' }, queries[i]);
    if (answer instanceof Promise) {
      loaded++;
      await answer;
    }
    times.push(Number(process.hrtime.bigint() - t0) / 1000);
  }
  const first = times[0];
  const rest = times.slice(1).sort((a, b) => a - b);
  return { firstMicros: first, restP99Micros: percentile(rest, 99), restP50Micros: percentile(rest, 50), loaded };
}

/** check() (warm) against the bit set, CASL and casbin on the same queries; all must agree first. */
export async function runInProcessBench(policy: BenchPolicy, deps: ChecksDeps) {
  const counts = { loaded: 0 };
  const engines = {
    check: gatehouse(deps, counts),
    bitset: bitset(policy),
    casl: casl(policy),
    casbin: await casbin(policy, policy.catalog),
  };
  // Warm-up: every member and the account's resources loaded once, as a running service has them.
  for (const query of policy.queries) {
    const answer = check(deps, { type: 'platform' }, query);
    if (answer instanceof Promise) await answer;
  }
  const sample = policy.queries.slice(0, 5000);
  let agree = 0;
  let allowed = 0;
  // casbin scans every policy line per check (milliseconds on this policy): it checks the first 500.
  sample.forEach((query, index) => {
    const g = engines.check(query);
    if (g) allowed++;
    if (g === engines.bitset(query) && g === engines.casl(query) && (index >= 500 || g === engines.casbin(query)))
      agree++;
  });
  console.log(
    `agreement on ${sample.length} sampled checks: ${((agree / sample.length) * 100).toFixed(2)}% (${((allowed / sample.length) * 100).toFixed(0)}% allowed)`,
  );
  if (agree !== sample.length) throw new Error('the engines disagree: the comparison would be meaningless');
  counts.loaded = 0;
  // Interleaved, twice each; casbin gets fewer queries (it is slow). The best round counts.
  const runs: Record<string, BenchResult[]> = { check: [], bitset: [], casl: [], casbin: [] };
  let measured = 0;
  for (let round = 0; round < 2; round++) {
    runs.check.push(measure('check', engines.check, policy.queries, 3));
    measured += 20_000 + 3 * policy.queries.length;
    runs.bitset.push(measure('bitset', engines.bitset, policy.queries, 3));
    runs.casl.push(measure('casl', engines.casl, policy.queries, 1));
    runs.casbin.push(measure('casbin', engines.casbin, policy.queries.slice(0, 300), 1));
  }
  const results = Object.fromEntries(
    Object.entries(runs).map(([name, list]) => [
      name,
      list.sort((a, b) => b.decisionsPerSecond - a.decisionsPerSecond)[0],
    ]),
  );
  return { results, loadedDuringMeasure: counts.loaded, measuredChecks: measured };
}
