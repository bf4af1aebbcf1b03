import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../../src/config/config.js';

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

const productionEnv = {
  NODE_ENV: 'production',
  SECRET_KEY: Buffer.alloc(32, 1).toString('base64'),
  PUBLIC_URL: 'https://iam.example.com',
  DATABASE_URL: 'postgres://db.example.com/gatehouse',
  PLATFORM_TOKEN: 'p'.repeat(40),
};

describe('configuration', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ env: 'development', host: '127.0.0.1', port: 3000, databaseUrl: undefined });
    expect(config.dataDir).toMatch(/\.gatehouse$/);
    expect(config).toMatchObject({
      publicUrl: 'http://localhost:3000',
      publicUrlConfigured: false,
      requestTimeoutMs: 30_000,
      shutdownTimeoutMs: 10_000,
    });
    expect(loadConfig({ PUBLIC_URL: 'https://iam.example.com/' })).toMatchObject({
      publicUrl: 'https://iam.example.com',
      publicUrlConfigured: true,
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ PORT: '70000' }, 'PORT'],
    [{ NODE_ENV: 'staging' }, 'NODE_ENV'],
    [{ DATABASE_URL: 'mysql://x/y' }, 'DATABASE_URL'],
    [{ PUBLIC_URL: 'not a url' }, 'PUBLIC_URL'],
    [{ SECRET_KEY: 'too-short' }, 'SECRET_KEY'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
    [{ ALLOW_EMBEDDED_DATABASE: 'maybe' }, 'ALLOW_EMBEDDED_DATABASE'],
    [{ PLATFORM_TOKEN: 'short' }, 'PLATFORM_TOKEN'],
    [{ REQUEST_TIMEOUT_SECONDS: '0' }, 'REQUEST_TIMEOUT_SECONDS'],
    [{ SHUTDOWN_TIMEOUT_SECONDS: 'soon' }, 'SHUTDOWN_TIMEOUT_SECONDS'],
  ])('names the bad variable in %o', (env, variable) => {
    const error = configError(env);
    expect(error.variable).toBe(variable);
    expect(error.message).toContain(variable);
  });

  it('accepts a complete production configuration', () => {
    expect(loadConfig(productionEnv).env).toBe('production');
  });

  it.each([
    ['SECRET_KEY', { SECRET_KEY: '' }],
    ['PUBLIC_URL', { PUBLIC_URL: 'http://iam.example.com' }],
    ['DATABASE_URL', { DATABASE_URL: '' }],
    ['PLATFORM_TOKEN', { PLATFORM_TOKEN: '' }],
  ])('refuses the unsafe default for %s in production', (variable, change) => {
    expect(configError({ ...productionEnv, ...change }).variable).toBe(variable);
  });

  it('allows the embedded database in production only when explicitly asked', () => {
    expect(
      loadConfig({ ...productionEnv, DATABASE_URL: '', ALLOW_EMBEDDED_DATABASE: 'true' }).databaseUrl,
    ).toBeUndefined();
  });
});
