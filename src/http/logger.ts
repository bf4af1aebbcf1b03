import type { FastifyRequest } from 'fastify';
import type { LoggerOptions } from 'pino';
import type { Config } from '../config/config.js';

const secretFields = [
  'password', 'currentPassword', 'newPassword', 'token', 'code', 'recoveryCode', 'secret', 'key',
  'authorization', 'cookie', 'totpSecret', 'otpauthUri',
];

// pino's redaction matches fixed paths, so list the shapes secrets arrive in.
const redactPaths = [
  ...secretFields,
  ...secretFields.map((field) => `*.${field}`),
  ...secretFields.map((field) => `*.*.${field}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
];

/** Escapes control characters so that a crafted URL or header cannot start a fake log line. */
export function neutraliseControlCharacters(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export function loggerOptions(config: Config): LoggerOptions {
  return {
    level: config.logLevel,
    redact: { paths: redactPaths, censor: '[redacted]' },
    serializers: {
      req(req: FastifyRequest) {
        const path = req.url.split('?')[0] ?? '';
        return {
          method: req.method,
          // The query string can carry secrets a careless client sent; keep only the path.
          url: neutraliseControlCharacters(path),
          ip: req.ip,
          userAgent: neutraliseControlCharacters(String(req.headers['user-agent'] ?? '')),
        };
      },
    },
    ...(config.logPretty ? { transport: { target: 'pino-pretty', options: { translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } } } : {}),
  };
}
