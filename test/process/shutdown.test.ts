import http from 'node:http';
import { connect, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, exitWithin, fixture, start, type Started, withInitialisedDatabase } from '../support/process.js';

// One data directory, served by one process after another: migrated once, by the first.
const dataDir = withInitialisedDatabase(mkdtempSync(join(tmpdir(), 'gatehouse-shutdown-')));
const envFor = (extra: Record<string, string>) => ({
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'info',
  DATA_DIR: dataDir,
  PORT: '0',
  DATABASE_URL: '',
  ...extra,
});
const started: Started[] = [];
afterAll(async () => {
  for (const server of started) if (server.child.exitCode === null) server.child.kill('SIGKILL');
  await Promise.all(started.map((server) => server.exited));
  rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

async function serve(args: string[], extra: Record<string, string>): Promise<{ server: Started; url: URL }> {
  const server = start(args, envFor(extra));
  started.push(server);
  const [, url] = await server.waitFor(/(?:LISTENING |Gatehouse listening on )(http:\/\/[^\s"]+)/);
  return { server, url: new URL(url) };
}

/** A client that sends a GET (proving the server has taken the connection), then half of a POST. */
async function stalledClient(url: URL): Promise<{ socket: Socket; received: () => string; closed: Promise<void> }> {
  const socket = connect(Number(url.port), url.hostname);
  let received = '';
  const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
  socket.on('error', () => {});
  const firstAnswer = new Promise<void>((resolve) =>
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString();
      if (/\r\n\r\n[\s\S]*\}/.test(received)) resolve();
    }),
  );
  socket.write(`GET /healthz HTTP/1.1\r\nHost: ${url.host}\r\n\r\n`);
  await firstAnswer;
  received = '';
  socket.write(
    `POST /v1/session HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n{"email":"stalled@`,
  );
  return { socket, received: () => received, closed };
}

const within = <T>(promise: Promise<T>, ms: number, what: string) =>
  Promise.race([
    promise,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${what}: not within ${ms} ms`)), ms)),
  ]);

describe('timeouts and shutdown', () => {
  it('answers 408 and closes the socket when a request body never completes (REQUEST_TIMEOUT_SECONDS)', async () => {
    const { server, url } = await serve([...cli, 'serve'], { REQUEST_TIMEOUT_SECONDS: '2' });
    const client = await stalledClient(url);
    await within(client.closed, 60_000, 'the stalled request was not ended');
    expect(client.received()).toMatch(/^HTTP\/1\.1 408 /);
    server.child.kill('SIGTERM');
    expect(await exitWithin(server, 60_000)).toBe(0);
  });

  it('SIGTERM with a client that never finishes its request: the process exits after SHUTDOWN_TIMEOUT_SECONDS', async () => {
    const { server, url } = await serve([...cli, 'serve'], {
      REQUEST_TIMEOUT_SECONDS: '600',
      SHUTDOWN_TIMEOUT_SECONDS: '2',
    });
    const client = await stalledClient(url);
    server.child.kill('SIGTERM');
    expect(await exitWithin(server, 60_000)).toBe(0);
    await within(client.closed, 5_000, 'the stalled socket stayed open');
    expect(server.output()).toContain('shutdown deadline reached');
  });

  it('keep-alive clients reading during shutdown get answers, then a refused connection, never a reset', async () => {
    const { server, url } = await serve(fixture('slow-server'), {});
    const agent = new http.Agent({ keepAlive: true });
    const get = (path: string) =>
      new Promise<number>((resolve, reject) => {
        const request = http.get(new URL(path, url), { agent }, (response) => {
          response.resume();
          response.on('end', () => resolve(response.statusCode!));
        });
        request.on('error', reject);
      });
    let answered = 0;
    const failures: string[] = [];
    let running = true;
    const reader = async () => {
      while (running) {
        try {
          expect(await get('/healthz')).toBe(200);
          answered++;
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
          if (code === 'ECONNREFUSED') return; // the listener is gone: the right way to learn it
          failures.push(code);
        }
      }
    };
    const readers = [reader(), reader(), reader()];
    await within(
      (async () => {
        while (answered < 30) await new Promise((resolve) => setTimeout(resolve, 20));
      })(),
      60_000,
      'readers never got going',
    );
    const inFlight = get('/test/slow');
    await new Promise((resolve) => setTimeout(resolve, 300));
    server.child.kill('SIGTERM');
    expect(await exitWithin(server, 60_000)).toBe(0);
    await within(Promise.all(readers), 10_000, 'readers still reading');
    running = false;
    agent.destroy();
    expect(await inFlight).toBe(200);
    expect(failures).toEqual([]);
  });
});
