import { type Config, loadConfig } from '../../src/config/config.js';
import { type App, buildApp } from '../../src/app.js';
import { TestClock } from './clock.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const testPlatformToken = 'test-platform-token-0123456789abcdef0123456789';

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    PUBLIC_URL: 'http://gatehouse.test',
    SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
    PLATFORM_TOKEN: testPlatformToken,
    LOG_LEVEL: 'silent',
    ...overrides,
  });
}

export interface TestApp {
  app: App;
  database: TestDatabase;
  clock: TestClock;
  close(): Promise<void>;
}

/** An app on a fresh database of the engine under test, with a controllable clock. */
export async function createTestApp(
  options: { env?: Record<string, string>; database?: TestDatabase; logStream?: { write(line: string): void } } = {},
): Promise<TestApp> {
  const database = options.database ?? (await createTestDatabase());
  const clock = new TestClock();
  const app = await buildApp(testConfig(options.env), { database, clock, logStream: options.logStream });
  await app.ready();
  return {
    app,
    database,
    clock,
    async close() {
      await app.close();
      if (!options.database) await database.drop();
    },
  };
}
