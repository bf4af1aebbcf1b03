import { cpus, loadavg } from 'node:os';
import pg from 'pg';

/** A fresh database on the PostgreSQL server of DATABASE_URL (default: local trust auth). */
export async function createBenchDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const name = `${prefix}_${Date.now()}`;
  const run = async (text: string) => {
    const client = new pg.Client({ connectionString: admin });
    await client.connect();
    try {
      await client.query(text);
    } finally {
      await client.end();
    }
  };
  await run(`CREATE DATABASE ${name}`);
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => run(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Times `run` `count` times (after `warmup` untimed runs); milliseconds, sorted. */
export async function timeRuns(run: () => Promise<unknown>, count: number, warmup = 10): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await run();
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await run();
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return times.sort((a, b) => a - b);
}

/**
 * Times `a` and `b` one after the other, `count` times each (after `warmup` untimed pairs),
 * so that whatever else the machine does in the meantime falls on both alike; milliseconds,
 * sorted.
 */
export async function timeAlternately(
  a: () => Promise<unknown>,
  b: () => Promise<unknown>,
  count: number,
  warmup = 10,
): Promise<[number[], number[]]> {
  for (let i = 0; i < warmup; i++) {
    await a();
    await b();
  }
  const aTimes: number[] = [];
  const bTimes: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = process.hrtime.bigint();
    await a();
    const middle = process.hrtime.bigint();
    await b();
    aTimes.push(Number(middle - start) / 1e6);
    bTimes.push(Number(process.hrtime.bigint() - middle) / 1e6);
  }
  return [aTimes.sort((x, y) => x - y), bTimes.sort((x, y) => x - y)];
}

export const fmt = (n: number, digits = 2) => n.toFixed(digits).padStart(8);

/** One line naming the machine and how busy it is right now (benchmarks share it). */
export function describeMachine(): string {
  const [one, five] = loadavg();
  return `machine: ${cpus()[0]?.model ?? 'unknown cpu'}, ${cpus().length} cores, node ${process.version}; load average ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min)`;
}
