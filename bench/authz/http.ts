import { execFileSync, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AccessService } from '../../src/access/access-service.js';
import type { CheckInput } from '../../src/checks/service.js';

export const benchToken = 'bench-platform-token-0123456789abcdef0123456789';

/** Pins this process (the server) to core 0; false when taskset is missing. */
export function pinServer(): boolean {
  try {
    execFileSync('taskset', ['-cp', '0', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Loads of any kind so far: a check that loaded anything did at least one of these. */
export function loadCount(access: AccessService): number {
  return (
    access.memberAccountLoads + access.memberLoads + access.resources.accountLoads + access.resources.resourceReads
  );
}

interface LoadResult {
  requests: number;
  total: number;
  p50: number;
  p99: number;
  cpuMicrosPerRequest: number;
}

/**
 * POST /v1/authz/check with the policy's checks as bodies (every one names a resource) against
 * a route with the same body schema that returns a constant, under autocannon (50 connections)
 * in another process on the other core; server CPU per request from process.cpuUsage().
 */
export async function runHttpBench(
  url: string,
  dir: string,
  access: AccessService,
  queries: CheckInput[],
  seconds: number,
  pinned: boolean,
) {
  const bodiesFile = join(dir, 'bodies.json');
  writeFileSync(bodiesFile, JSON.stringify(queries.slice(0, 5000).map((query) => JSON.stringify(query))));
  const load = async (path: string): Promise<LoadResult> => {
    const args = [
      '--import',
      'tsx',
      'bench/authz/load.ts',
      `${url}${path}`,
      bodiesFile,
      String(seconds),
      benchToken,
      '50',
    ];
    const child = pinned ? spawn('taskset', ['-c', '1', process.execPath, ...args]) : spawn(process.execPath, args);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // The load generator takes a moment to start: CPU is counted from its first request on.
    const before = process.cpuUsage();
    await new Promise((resolve) => child.on('exit', resolve));
    const cpu = process.cpuUsage(before);
    const out = JSON.parse(stdout) as {
      requests: number;
      total: number;
      p50: number;
      p99: number;
      non2xx: number;
      errors: number;
    };
    if (out.non2xx || out.errors) throw new Error(`${path}: ${out.non2xx} non-2xx, ${out.errors} errors`);
    return { ...out, cpuMicrosPerRequest: (cpu.user + cpu.system) / out.total };
  };
  const loadsBefore = loadCount(access);
  const check: LoadResult[] = [];
  const base: LoadResult[] = [];
  for (let round = 0; round < 3; round++) {
    base.push(await load('/bench/constant'));
    check.push(await load('/v1/authz/check'));
  }
  const median = (list: LoadResult[]) => [...list].sort((a, b) => a.cpuMicrosPerRequest - b.cpuMicrosPerRequest)[1];
  return {
    check: median(check),
    base: median(base),
    loads: loadCount(access) - loadsBefore,
    checks: check.reduce((sum, run) => sum + run.total, 0),
  };
}
