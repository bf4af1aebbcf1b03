import { resolve } from 'node:path';

/** Everything the service reads from its environment, validated once at start. */
export interface Config {
  env: 'development' | 'test' | 'production';
  host: string;
  port: number;
  publicUrl: string;
  /** False when PUBLIC_URL was not set and publicUrl is the local default. */
  publicUrlConfigured: boolean;
  /** PostgreSQL connection string; absent means the embedded PGlite database. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /**
   * Registered resources held in memory for authorization checks, over all accounts (the
   * least recently used accounts are dropped first).
   */
  authzResourceBudget: number;
  /** The embedded database's buffer pool (PostgreSQL's shared_buffers), in MB. */
  pgliteBufferMb: number;
  dataDir: string;
  allowEmbeddedDatabase: boolean;
  /** Base64 or hex 32-byte key; absent outside production means "generate one in dataDir". */
  secretKey: string | undefined;
  platformToken: string | undefined;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logPretty: boolean;
  trustProxy: boolean;
  catalogPath: string | undefined;
  smtpUrl: string | undefined;
  mailFrom: string;
  redisUrl: string | undefined;
  /** A request (headers and body) must arrive within this (else 408). */
  requestTimeoutMs: number;
  /** On SIGTERM, in-flight requests get this long before their connections are closed. */
  shutdownTimeoutMs: number;
  /**
   * How the dashboard is served: the built files, Vite with hot reload (npm run dev), or not
   * at all.
   */
  dashboard: 'built' | 'dev' | 'off';
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`Invalid configuration: ${variable} ${message}`);
  }
}

type Env = Record<string, string | undefined>;

function text(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max} (got "${raw}")`);
  }
  return Number(raw);
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = text(env, name)?.toLowerCase();
  if (raw === undefined) return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(name, `must be true or false (got "${raw}")`);
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(name, `must be one of ${allowed.join(', ')} (got "${raw}")`);
  }
  return raw as T;
}

function url(env: Env, name: string, protocols: string[]): string | undefined {
  const raw = text(env, name);
  if (raw === undefined) return undefined;
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    throw new ConfigError(name, 'must be an absolute URL');
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `must use ${protocols.join(' or ')} (got "${parsed.protocol}")`);
  }
  return raw;
}

/**
 * The embedded database's buffer pool when not configured (PGLITE_SHARED_BUFFERS_MB), in MB.
 * PostgreSQL's 128 MB default is set up in WebAssembly on every open, ~0.3 s of a ~3 s start
 * (bench/README.md, issue 17.6); PGlite reads its files through Node, so pages outside the
 * pool still come from the operating system's cache.
 */
export const defaultPgliteBufferMb = 32;

/**
 * Reads and validates the configuration. Throws a {@link ConfigError} naming the first bad
 * variable; in production it also refuses the defaults that are only safe on a laptop.
 *
 * @example
 * const config = loadConfig({ PORT: '0', NODE_ENV: 'test' });
 */
export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = oneOf(env, 'NODE_ENV', ['development', 'test', 'production'] as const, 'development');
  const port = integer(env, 'PORT', 3000, 0, 65535);
  const configuredPublicUrl = url(env, 'PUBLIC_URL', ['http:', 'https:']);
  const publicUrl = (configuredPublicUrl ?? `http://localhost:${port || 3000}`).replace(/\/+$/, '');
  const secretKey = text(env, 'SECRET_KEY');
  if (secretKey !== undefined) decodeSecretKey(secretKey);
  const platformToken = text(env, 'PLATFORM_TOKEN');
  if (platformToken !== undefined && platformToken.length < 32) {
    throw new ConfigError('PLATFORM_TOKEN', 'must be at least 32 characters long');
  }
  const config: Config = {
    env: nodeEnv,
    host: text(env, 'HOST') ?? '127.0.0.1',
    port,
    publicUrl,
    publicUrlConfigured: configuredPublicUrl !== undefined,
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']),
    databasePoolSize: integer(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    authzResourceBudget: integer(env, 'AUTHZ_RESOURCE_BUDGET', 1_000_000, 0, 100_000_000),
    pgliteBufferMb: integer(env, 'PGLITE_SHARED_BUFFERS_MB', defaultPgliteBufferMb, 1, 4096),
    dataDir: resolve(text(env, 'DATA_DIR') ?? '.gatehouse'),
    allowEmbeddedDatabase: boolean(env, 'ALLOW_EMBEDDED_DATABASE', nodeEnv !== 'production'),
    secretKey,
    platformToken,
    logLevel: oneOf(
      env,
      'LOG_LEVEL',
      ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const,
      nodeEnv === 'test' ? 'silent' : 'info',
    ),
    logPretty: boolean(env, 'LOG_PRETTY', nodeEnv === 'development' && process.stdout.isTTY === true),
    trustProxy: boolean(env, 'TRUST_PROXY', false),
    catalogPath: text(env, 'GATEHOUSE_CATALOG'),
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']),
    mailFrom: text(env, 'MAIL_FROM') ?? 'Gatehouse <no-reply@gatehouse.localhost>',
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']),
    requestTimeoutMs: integer(env, 'REQUEST_TIMEOUT_SECONDS', 30, 1, 3600) * 1000,
    shutdownTimeoutMs: integer(env, 'SHUTDOWN_TIMEOUT_SECONDS', 10, 1, 3600) * 1000,
    dashboard: oneOf(env, 'DASHBOARD', ['built', 'dev', 'off'] as const, 'built'),
  };
  if (config.env === 'production') refuseUnsafeProductionDefaults(config);
  return config;
}

function refuseUnsafeProductionDefaults(config: Config): void {
  if (config.secretKey === undefined) {
    throw new ConfigError('SECRET_KEY', 'is required when NODE_ENV=production (32 random bytes, base64)');
  }
  if (!config.publicUrl.startsWith('https://')) {
    throw new ConfigError('PUBLIC_URL', 'must be an https:// URL when NODE_ENV=production');
  }
  if (config.databaseUrl === undefined && !config.allowEmbeddedDatabase) {
    throw new ConfigError('DATABASE_URL', 'is required when NODE_ENV=production (or set ALLOW_EMBEDDED_DATABASE=true)');
  }
  if (config.platformToken === undefined) {
    throw new ConfigError('PLATFORM_TOKEN', 'is required when NODE_ENV=production');
  }
}

/** Accepts 32 bytes as base64 (44 chars) or hex (64 chars). */
export function decodeSecretKey(raw: string): Buffer {
  const key = /^[0-9a-f]{64}$/i.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) {
    throw new ConfigError('SECRET_KEY', 'must be 32 bytes encoded as base64 or hex');
  }
  return key;
}
