import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../support/database.js';
import { FailingQueries, withFailingQueries } from '../../support/failing-queries.js';
import { ownerAccount } from '../../support/owner-account.js';
import { createUser } from '../../support/users.js';

const faults = new FailingQueries();
const database = await createTestDatabase();
afterAll(() => database.drop());
const logLines: string[] = [];
const { t, owner, accountId, url } = await ownerAccount({
  database: withFailingQueries(database, faults),
  env: { LOG_LEVEL: 'info' },
  logStream: { write: (chunk: string) => void logLines.push(...chunk.split('\n').filter(Boolean)) },
});
const db = t.app.deps.database.db;

// The same bytes a browser or curl gets: a real socket, not inject().
await t.app.listen({ host: '127.0.0.1', port: 0 });
const origin = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
const download = (path: string) => fetch(origin + url(path), { headers: owner.headers });

/** The export's page query (not the chain's own reads). */
const eventPage = /select \* from security_events where/;

/** A name as an attacker would write it straight into an old row: CR/LF, a forged event, ESC, C1, a formula. */
const forgedName = '=Eve\r\n{"action":"forged.event"}\u001b[2J\u0085';

/** Any control character but the CR LF that end a CSV record. */
// eslint-disable-next-line no-control-regex
const controlsButCrLf = /[\u0000-\u0009\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/;
/** Any control character but the LF that ends an NDJSON line. */
// eslint-disable-next-line no-control-regex
const controlsButLf = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

describe('exports validate before the first byte', () => {
  it('answers a bad sort on the members CSV with 400 problem+json, not 200 and a cut connection', async () => {
    const res = await download('/members/export?sort=abc');
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'request.invalid', errors: [{ field: 'querystring/sort' }] });
  });

  it('answers a failure on the security log’s first page with problem+json, not 200 and a header line', async () => {
    faults.failOn(eventPage, 1);
    const res = await download('/security-events/export?format=csv');
    expect(res.status).toBeGreaterThanOrEqual(500);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('a failure after the first byte', () => {
  it.each([
    ['members.csv', '/members/export?sort=email', /left join roles r[\s\S]*order by/, 600],
    ['security-log.csv', '/security-events/export?format=csv', eventPage, 1100],
    ['security-log.ndjson', '/security-events/export?format=ndjson', eventPage, 1100],
  ])(
    'aborts the %s download so that the client sees it fail, and is logged as an error',
    async (file, path, pattern, needed) => {
      await bulkRows(needed);
      faults.failOn(pattern, 2);
      logLines.length = 0;
      const res = await download(path);
      expect(res.status).toBe(200);
      // The first page arrived, the rest never will: reading the body fails instead of ending.
      await expect(res.text()).rejects.toThrow();
      const failure = logLines.map((line) => JSON.parse(line)).find((entry) => entry.export === file);
      expect(failure).toMatchObject({
        level: 50,
        msg: expect.stringContaining('aborted'),
        err: { message: expect.stringContaining('injected') },
      });
    },
  );
});

describe('every export neutralises control characters in free text (issue 14.5)', () => {
  it('keeps a forged name and user agent from older rows on one line in the members CSV', async () => {
    const victim = await createUser(t.app, { accountId });
    await sql`update members set name = ${forgedName} where id = ${victim.memberId}`.execute(db);
    const res = await download(`/members/export?q=${encodeURIComponent('=eve')}`);
    const body = await res.text();
    expect(body).not.toMatch(controlsButCrLf);
    expect(body.split(/\r\n|\r|\n/).filter(Boolean)).toHaveLength(2);
    expect(body).not.toMatch(/^\{"action"/m);
    expect(body).toContain(`'=Eve\\u000d\\u000a{""action"":""forged.event""}\\u001b[2J\\u0085`);
  });

  it('keeps forged names and user agents on one line in the security log’s CSV and NDJSON', async () => {
    const victim = await createUser(t.app, { accountId });
    await sql`update members set name = ${forgedName} where id = ${victim.memberId}`.execute(db);
    // A user agent is whatever the client sends; the recorded name comes from the (old) row.
    const edit = await t.app.inject({
      method: 'PATCH',
      url: url(`/members/${victim.memberId}`),
      headers: { ...owner.headers, 'user-agent': '@agent\u001b[31m\u0085' },
      payload: { roleId: 'builtin:support', confirm: true },
    });
    expect(edit.statusCode).toBe(200);
    // The log is append-only: an older row written before names were checked is inserted as such.
    await sql`insert into security_events (chain, seq, id, account_id, at, actor_type, actor_id, actor_name, action, outcome, target_type, target_id, target_name, before, after, user_agent, prev_hash, hash)
              values (${accountId}, 2000000, 'evt_forged', ${accountId}, now() - interval '1 day', 'member', ${owner.memberId}, ${forgedName}, 'member.renamed', 'success',
                      'member', ${victim.memberId}, ${forgedName}, ${JSON.stringify({ name: forgedName })}::jsonb, ${JSON.stringify({ name: 'Eve\u2028' })}::jsonb, ${'old\r\nagent'}, '\\x00'::bytea, '\\x00'::bytea)`.execute(
      db,
    );

    const csv = await (await download(`/security-events/export?format=csv&target=${victim.memberId}`)).text();
    expect(csv).not.toMatch(controlsButCrLf);
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(3);
    expect(csv.split(/\r\n|\r|\n/).filter(Boolean)).toHaveLength(3);
    expect(csv).toContain(`'=Eve\\u000d\\u000a{""action"":""forged.event""}`);
    expect(csv).toContain(`'@agent\\u001b[31m\\u0085`);

    const ndjson = await (await download(`/security-events/export?format=ndjson&target=${victim.memberId}`)).text();
    expect(ndjson).not.toMatch(controlsButLf);
    const lines = ndjson.split('\n').filter(Boolean);
    expect(lines).toHaveLength(2);
    const events = lines.map((line) => JSON.parse(line));
    const edited = events.find((event) => event.action === 'member.role_changed');
    const forged = events.find((event) => event.id === 'evt_forged');
    expect(edited).toMatchObject({ action: 'member.role_changed', userAgent: `'@agent\\u001b[31m\\u0085` });
    expect(forged).toMatchObject({
      action: 'member.renamed',
      actor: { name: `'=Eve\\u000d\\u000a{"action":"forged.event"}\\u001b[2J\\u0085` },
      target: { name: `'=Eve\\u000d\\u000a{"action":"forged.event"}\\u001b[2J\\u0085` },
      before: { name: '=Eve\\u000d\\u000a{"action":"forged.event"}\\u001b[2J\\u0085' },
      after: { name: 'Eve\\u2028' },
      userAgent: 'old\\u000d\\u000aagent',
    });
  });
});

let bulkMembers = 0;
let bulkEvents = 0;
/** Enough members and events for a second page of each export (500 and 1000 a page). */
async function bulkRows(needed: number): Promise<void> {
  if (bulkMembers < needed) {
    await sql`insert into users (id, email, name) select 'usr_bulk' || i, 'bulk' || i || '@example.com', 'Bulk ' || i from generate_series(${bulkMembers + 1}::int, ${needed}::int) i`.execute(
      db,
    );
    await sql`insert into members (account_id, id, user_id, name, email, status, builtin_role)
              select ${accountId}, 'mem_bulk' || i, 'usr_bulk' || i, 'Bulk ' || i, 'bulk' || i || '@example.com', 'active', 'view_only' from generate_series(${bulkMembers + 1}::int, ${needed}::int) i`.execute(
      db,
    );
    bulkMembers = needed;
  }
  if (bulkEvents < needed) {
    await sql`insert into security_events (chain, seq, id, account_id, at, actor_type, action, outcome, prev_hash, hash)
              select ${accountId}, 1000000 + i, 'evt_bulk' || i, ${accountId}, now() - make_interval(secs => i), 'system', 'bulk.event', 'success', '\\x00'::bytea, '\\x00'::bytea
                from generate_series(${bulkEvents + 1}::int, ${needed}::int) i`.execute(db);
    bulkEvents = needed;
  }
}
