/**
 * `npm run chaos`: two `gatehouse serve` processes on one throw-away PostgreSQL cluster
 * (127.0.0.1 only, never the shared server), 20 clients of mixed work against them, and the
 * database restarted three times under that load. Then it counts what must be zero: lost
 * acknowledged writes, crashed processes, stale authorization decisions, 500s and dropped
 * connections; and how long each recovery took. Exits 1 if any of those is not zero.
 *
 * Every loop is bounded in count and the whole run in time (CHAOS_DEADLINE_S, default 300).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort } from '../test/support/free-port.js';
import pg from 'pg';
import { startPgCluster, type PgCluster } from '../test/support/pg-cluster.js';

const clientsCount = 20;
const restarts: { mode: 'fast' | 'immediate'; downMs: number }[] = [
  { mode: 'fast', downMs: 1000 },
  { mode: 'immediate', downMs: 2000 }, // like a crash: recovery replays the WAL
  { mode: 'fast', downMs: 3000 },
];
const loadBetweenMs = 8000;
const deadline = Date.now() + Number(process.env.CHAOS_DEADLINE_S ?? 300) * 1000;
const maxRequestsPerClient = 100_000;
const platformToken = randomBytes(24).toString('hex');
const secretKey = randomBytes(32).toString('base64');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Instance {
  name: string;
  url: string;
  process: ChildProcess;
  exited: { code: number | null; signal: string | null } | undefined;
  output: string;
}

async function startInstance(name: string, databaseUrl: string, dataDir: string): Promise<Instance> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/cli.js', 'serve'], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: 'https://gatehouse.chaos.invalid',
      DATABASE_URL: databaseUrl,
      DATA_DIR: join(dataDir, name),
      PLATFORM_TOKEN: platformToken,
      SECRET_KEY: secretKey,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const instance: Instance = { name, url: `http://127.0.0.1:${port}`, process: child, exited: undefined, output: '' };
  const keep = (chunk: Buffer) => void (instance.output = (instance.output + chunk.toString()).slice(-50_000));
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  child.on('exit', (code, signal) => void (instance.exited = { code, signal }));
  for (let i = 0; i < 600 && !instance.exited; i++) {
    if ((await call(instance, 'GET', '/readyz')).status === 200) return instance;
    await sleep(100);
  }
  throw new Error(`${name} did not become ready:\n${instance.output}`);
}

interface Answer {
  status: number;
  body: Record<string, unknown>;
}

async function call(instance: Instance, method: string, path: string, body?: unknown): Promise<Answer> {
  try {
    const res = await fetch(instance.url + path, {
      method,
      headers: {
        authorization: `Bearer ${platformToken}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  } catch {
    return { status: 0, body: {} }; // no answer: the connection failed or timed out
  }
}

/** Tallies, per instance and status; the figures the run reports. */
const tally = {
  requests: 0,
  byStatus: new Map<number, number>(),
  serverErrors: [] as string[],
  acknowledgedRoles: new Set<string>(),
  acknowledgedInvitations: new Set<string>(),
  decisions: 0,
  decisionsAfterFirstRestart: 0,
  stale: [] as string[],
  staleAfterFirstRestart: 0,
  lastSuccess: new Map<string, number>(),
  /** How long an access-changing write took (it waits for the other instance's acknowledgement). */
  toggleMsBefore: [] as number[],
  toggleMsAfter: [] as number[],
};
let restartsDone = 0;

function count(instance: Instance, answer: Answer, what: string): Answer {
  tally.requests++;
  tally.byStatus.set(answer.status, (tally.byStatus.get(answer.status) ?? 0) + 1);
  if (answer.status === 0 || (answer.status >= 500 && answer.status !== 503)) {
    if (tally.serverErrors.length < 20)
      tally.serverErrors.push(
        `${instance.name} ${what}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)}`,
      );
  }
  if (answer.status >= 200 && answer.status < 300) tally.lastSuccess.set(instance.name, Date.now());
  return answer;
}

let stopping = false;
const running = () => !stopping && Date.now() < deadline;

async function main() {
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  console.log(`chaos: ${machine}`);
  const work = mkdtempSync(join(tmpdir(), 'gatehouse-chaos-'));
  let cluster: PgCluster | undefined;
  const instances: Instance[] = [];
  try {
    cluster = await startPgCluster();
    const databaseUrl = await cluster.createDatabase('gatehouse_chaos');
    const [{ version }] = await cluster.query<{ version: string }>('select version()');
    console.log(`chaos: ${version.split(' on ')[0]} on 127.0.0.1:${cluster.port}`);
    // One migrates, then the second starts beside it.
    instances.push(await startInstance('A', databaseUrl, work));
    instances.push(await startInstance('B', databaseUrl, work));
    const [a] = instances;

    const created = await call(a, 'POST', '/v1/accounts', { name: 'Chaos Ltd', ownerEmail: 'owner@chaos.invalid' });
    if (created.status !== 201) throw new Error(`account creation: ${created.status} ${JSON.stringify(created.body)}`);
    const accountId = (created.body.account as { id: string }).id;
    const base = `/v1/accounts/${accountId}`;
    const probes = await addProbeMembers(databaseUrl, accountId, 6);

    let sequence = 0;
    const pick = (n: number) => instances[n % 2];
    const roleWriter = async (n: number) => {
      for (let i = 0; i < maxRequestsPerClient && running(); i++) {
        const target = pick(n + i);
        const answer = count(
          target,
          await call(target, 'POST', `${base}/roles`, {
            name: `chaos role ${n}-${++sequence}`,
            permissions: [{ permission: 'payments.view', scope: 'all' }],
          }),
          'create role',
        );
        if (answer.status === 201) tally.acknowledgedRoles.add(answer.body.id as string);
        else await backOff(answer);
      }
    };
    const inviter = async (n: number) => {
      for (let i = 0; i < maxRequestsPerClient && running(); i++) {
        const target = pick(n + i);
        const answer = count(
          target,
          await call(target, 'POST', `${base}/invitations`, {
            email: `invitee-${n}-${++sequence}@chaos.invalid`,
            roleId: 'builtin:view_only',
          }),
          'invite',
        );
        if (answer.status === 201) tally.acknowledgedInvitations.add(answer.body.id as string);
        else await backOff(answer);
      }
    };
    const reader = async (n: number) => {
      const paths = [
        `${base}/members?limit=50`,
        `${base}/roles`,
        `${base}/security-events?limit=50`,
        `${base}/invitations`,
      ];
      for (let i = 0; i < maxRequestsPerClient && running(); i++) {
        const target = pick(n + i);
        const path = paths[i % paths.length];
        await backOff(count(target, await call(target, 'GET', path), `GET ${path.split('?')[0]}`));
      }
    };
    /**
     * Flips one member between active and inactive through one instance and asks the other
     * at once: an answer that contradicts the acknowledged state is a stale decision.
     */
    const toggler = async (n: number) => {
      const memberId = probes[n];
      let active: boolean | undefined = true;
      for (let i = 0; i < maxRequestsPerClient && running(); i++) {
        const writer = pick(n + i);
        const reader = pick(n + i + 1);
        if (active === undefined) {
          // A write that got no clear answer may or may not have happened: read the truth.
          const read = count(writer, await call(writer, 'GET', `${base}/members/${memberId}`), 'read member');
          if (read.status === 200) active = read.body.status === 'active';
          else await backOff(read);
          continue;
        }
        const started = Date.now();
        const write = count(
          writer,
          await call(writer, 'POST', `${base}/members/${memberId}/${active ? 'deactivate' : 'reactivate'}`, {
            confirm: true,
          }),
          'toggle member',
        );
        if (write.status === 200)
          (restartsDone === 0
            ? tally.toggleMsBefore
            : restartsDone === restarts.length
              ? tally.toggleMsAfter
              : []
          ).push(Date.now() - started);
        if (write.status !== 200) {
          active = undefined;
          await backOff(write);
          continue;
        }
        active = !active;
        const decision = count(
          reader,
          await call(reader, 'POST', '/v1/authz/check', {
            accountId,
            subject: { memberId },
            permission: 'payments.view',
          }),
          'check',
        );
        if (decision.status !== 200) {
          await backOff(decision);
          continue;
        }
        tally.decisions++;
        if (restartsDone > 0) tally.decisionsAfterFirstRestart++;
        if (decision.body.allowed !== active) {
          if (restartsDone > 0) tally.staleAfterFirstRestart++;
          tally.stale.push(
            `${new Date().toISOString()} ${writer.name}→${reader.name} ${memberId} acknowledged ${active ? 'active' : 'inactive'}, decided ${JSON.stringify(decision.body)}`,
          );
        }
      }
    };

    const roles = [...Array(6).keys()].map((n) => roleWriter(n));
    const invites = [...Array(4).keys()].map((n) => inviter(n));
    const reads = [...Array(4).keys()].map((n) => reader(n));
    const toggles = [...Array(6).keys()].map((n) => toggler(n));
    const clients = [...roles, ...invites, ...reads, ...toggles];
    if (clients.length !== clientsCount) throw new Error('the mix must add up to 20 clients');

    const recoveries: { mode: string; downMs: number; stopMs: number; readyMs: number; writesMs: number }[] = [];
    await sleep(loadBetweenMs);
    for (const { mode, downMs } of restarts) {
      if (!running()) break;
      const stopStart = Date.now();
      await cluster.stop(mode);
      const stopMs = Date.now() - stopStart;
      await sleep(downMs);
      await cluster.start();
      const upAt = Date.now();
      restartsDone++;
      // Recovery: from the database accepting connections again until both instances say
      // ready (pool and change feed back) and both have acknowledged a request again.
      let readyMs = NaN;
      let writesMs = NaN;
      while (running() && (Number.isNaN(readyMs) || Number.isNaN(writesMs))) {
        if (
          Number.isNaN(readyMs) &&
          (await Promise.all(instances.map((instance) => call(instance, 'GET', '/readyz')))).every(
            (r) => r.status === 200,
          )
        )
          readyMs = Date.now() - upAt;
        if (Number.isNaN(writesMs) && instances.every((instance) => (tally.lastSuccess.get(instance.name) ?? 0) > upAt))
          writesMs = Date.now() - upAt;
        await sleep(20);
      }
      recoveries.push({ mode, downMs, stopMs, readyMs, writesMs });
      console.log(
        `chaos: restart ${recoveries.length} (${mode}, down ${seconds(downMs)}): ready again after ${seconds(readyMs)}, serving both after ${seconds(writesMs)}`,
      );
      await sleep(loadBetweenMs);
    }
    stopping = true;
    await Promise.all(clients);

    // Everything acknowledged must be there, read straight from the database.
    const check = new pg.Client({ connectionString: databaseUrl });
    await check.connect();
    const present = async (table: string, ids: Set<string>) =>
      (await check.query<{ n: number }>(`select count(*)::int as n from ${table} where id = any($1)`, [[...ids]]))
        .rows[0].n;
    const rolesFound = await present('roles', tally.acknowledgedRoles);
    const invitationsFound = await present('invitations', tally.acknowledgedInvitations);
    await check.end();
    const lost = tally.acknowledgedRoles.size - rolesFound + (tally.acknowledgedInvitations.size - invitationsFound);
    const crashed = instances.filter((instance) => instance.exited !== undefined);
    const auditVerify = spawnSync(process.execPath, ['dist/cli.js', 'audit', 'verify'], {
      env: {
        ...process.env,
        NODE_ENV: 'production',
        PUBLIC_URL: 'https://gatehouse.chaos.invalid',
        DATABASE_URL: databaseUrl,
        PLATFORM_TOKEN: platformToken,
        SECRET_KEY: secretKey,
        LOG_LEVEL: 'warn',
        DATA_DIR: join(work, 'cli'),
      },
      encoding: 'utf8',
      timeout: 60_000,
    });

    const statuses = [...tally.byStatus]
      .sort(([x], [y]) => x - y)
      .map(([status, n]) => `${status === 0 ? 'no answer' : status}: ${n}`)
      .join(', ');
    const unexpected = [...tally.byStatus]
      .filter(([status]) => status === 0 || (status >= 500 && status !== 503))
      .reduce((sum, [, n]) => sum + n, 0);
    console.log('\nchaos: results');
    console.log(`  machine                      ${machine}`);
    console.log(
      `  clients                      ${clientsCount} (6 create roles, 4 invite, 4 read lists and the log, 6 toggle a member on one instance and check on the other)`,
    );
    console.log(`  requests                     ${tally.requests} (${statuses})`);
    console.log(
      `  acknowledged writes          ${tally.acknowledgedRoles.size} roles, ${tally.acknowledgedInvitations.size} invitations, plus the member toggles`,
    );
    console.log(`  lost acknowledged writes     ${lost}`);
    console.log(`  crashed processes            ${crashed.length}`);
    console.log(
      `  decisions checked            ${tally.decisions} (${tally.decisionsAfterFirstRestart} after the first restart)`,
    );
    console.log(
      `  stale decisions              ${tally.stale.length} (${tally.staleAfterFirstRestart} after a restart)`,
    );
    console.log(`  500s and dropped connections ${unexpected}`);
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)] ?? NaN;
    console.log(
      `  member toggle (write) p50    ${median(tally.toggleMsBefore)} ms before the first restart, ${median(tally.toggleMsAfter)} ms after the last (${tally.toggleMsAfter.length} writes)`,
    );
    for (const [index, r] of recoveries.entries()) {
      console.log(
        `  restart ${index + 1} (${r.mode.padEnd(9)})    down ${seconds(r.downMs)} (stop took ${seconds(r.stopMs)}); both ready ${seconds(r.readyMs)} and both serving ${seconds(r.writesMs)} after PostgreSQL was back`,
      );
    }
    console.log(
      `  audit verify                 ${auditVerify.status === 0 ? 'ok' : `FAILED (${auditVerify.status}): ${auditVerify.stdout}${auditVerify.stderr}`}`,
    );
    for (const line of [...tally.stale.slice(0, 10), ...tally.serverErrors]) console.log(`  ! ${line}`);
    for (const instance of crashed)
      console.log(`  ! ${instance.name} exited ${JSON.stringify(instance.exited)}:\n${instance.output.slice(-3000)}`);
    const failed =
      lost > 0 ||
      crashed.length > 0 ||
      tally.stale.length > 0 ||
      unexpected > 0 ||
      auditVerify.status !== 0 ||
      recoveries.length < restarts.length ||
      recoveries.some((r) => Number.isNaN(r.writesMs));
    process.exitCode = failed ? 1 : 0;
  } finally {
    stopping = true;
    for (const instance of instances) if (!instance.exited) instance.process.kill('SIGTERM');
    await Promise.all(
      instances
        .filter((instance) => !instance.exited)
        .map(
          (instance) =>
            new Promise((resolve) => {
              instance.process.once('exit', resolve);
              setTimeout(resolve, 15_000).unref();
            }),
        ),
    );
    await cluster?.drop();
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * After a refusal, pause briefly before the next request (shorter than Retry-After, so that
 * the recovery time is measured to a fifth of a second).
 */
async function backOff(answer: Answer): Promise<void> {
  if (answer.status >= 200 && answer.status < 300) return;
  await sleep(answer.status === 503 || answer.status === 0 ? 200 : 50);
}

/** Active members with view-only access, made directly in the database (setup, not under test). */
async function addProbeMembers(databaseUrl: string, accountId: string, n: number): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const ids: string[] = [];
  try {
    for (let i = 0; i < n; i++) {
      const userId = `usr_chaos${i}${randomBytes(4).toString('hex')}`;
      const memberId = `mem_chaos${i}${randomBytes(4).toString('hex')}`;
      await client.query(`insert into users (id, email, name, totp_enabled_at) values ($1, $2, $3, now())`, [
        userId,
        `probe-${i}@chaos.invalid`,
        `Probe ${i}`,
      ]);
      await client.query(
        `insert into members (account_id, id, user_id, status, builtin_role, activated_at) values ($1, $2, $3, 'active', 'view_only', now())`,
        [accountId, memberId, userId],
      );
      ids.push(memberId);
    }
  } finally {
    await client.end();
  }
  return ids;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
