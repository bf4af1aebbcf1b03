import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, type App } from '../../../src/app.js';
import { testConfig } from '../../support/app.js';
import { createTestDatabase, type TestDatabase } from '../../support/database.js';

const lines: string[] = [];
// Sent as a valid platform token, so that the request reaches the handler that logs its body.
const headerSecret = 'header-secret-456-0123456789abcdef0123456789';
let app: App;
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
  app = await buildApp(testConfig({ LOG_LEVEL: 'info', PLATFORM_TOKEN: headerSecret }), {
    database,
    logStream: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) },
    configure(instance) {
      instance.post('/test/log-body', async (request) => {
        request.log.info({ body: request.body }, 'handler saw a body');
        return {};
      });
      instance.get('/test/unique-violation', async () => {
        await sql`create temporary table if not exists once (id int primary key)`.execute(database.db);
        await sql`insert into once values (1), (1)`.execute(database.db);
        return {};
      });
      instance.post('/test/log-error', async (request) => {
        request.log.error(
          { err: Object.assign(new Error('delivery failed'), { response: { token: 'error-secret-def' } }) },
          'handler failed',
        );
        return {};
      });
    },
  });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('logs', () => {
  it('are one JSON object a line, each with the request id', async () => {
    const res = await app.inject({ method: 'GET', url: '/healthz' });
    const parsed = lines.map((line) => JSON.parse(line));
    expect(parsed.filter((line) => line.reqId === res.headers['x-request-id']).length).toBeGreaterThanOrEqual(2);
  });

  it('cannot be forged with CR/LF or escapes in the URL or user agent', async () => {
    lines.length = 0;
    await app.inject({
      method: 'GET',
      url: '/nothing%0d%0a{"level":60,"msg":"forged"}',
      headers: { 'user-agent': 'ua\r\n{"level":60,"msg":"forged"}\u001b[31m' },
    });
    for (const line of lines) {
      const entry = JSON.parse(line);
      expect(entry.msg).not.toBe('forged');
    }
    expect(lines.join('\n')).not.toContain('\u001b');
  });

  it('never contain credentials from headers, query strings or bodies', async () => {
    lines.length = 0;
    await app.inject({
      method: 'POST',
      url: '/test/log-body?note=query-secret-123',
      headers: {
        authorization: `Bearer ${headerSecret}`,
        cookie: 'session=cookie-secret-789',
        'content-type': 'application/json',
      },
      payload: {
        password: 'body-secret-abc',
        nested: { code: '123456', token: 'nested-secret' },
        a: { b: { c: { d: { secret: 'deep-secret-ghi' } } } },
      },
    });
    await app.inject({ method: 'POST', url: '/test/log-error', payload: {} });
    const text = lines.join('\n');
    expect(text).toContain('handler saw a body');
    expect(text).toContain('delivery failed');
    for (const secret of [
      'query-secret-123',
      'header-secret-456',
      'cookie-secret-789',
      'body-secret-abc',
      '123456',
      'nested-secret',
      'deep-secret-ghi',
      'error-secret-def',
    ]) {
      expect(text).not.toContain(secret);
    }
  });

  it('refuse credentials in a URL before anything else, without logging them', async () => {
    lines.length = 0;
    const res = await app.inject({ method: 'POST', url: '/test/log-body?token=query-secret-321', payload: {} });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('request.key_in_query');
    expect(lines.join('\n')).not.toContain('query-secret-321');
  });

  it('keep the database’s error code of a failed query (SQLSTATE), which says what went wrong', async () => {
    lines.length = 0;
    const res = await app.inject({ method: 'GET', url: '/test/unique-violation' });
    expect(res.statusCode).toBe(500);
    const failure = lines.map((line) => JSON.parse(line)).find((entry) => entry.msg === 'unexpected error');
    expect(failure.err).toMatchObject({ code: '23505', message: expect.stringContaining('duplicate key') });
  });
});
