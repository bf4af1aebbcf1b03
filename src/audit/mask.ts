import { isSecretField } from '../shared/secret-fields.js';

/** Copies a before/after value with every secret-looking field replaced, at any depth. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([k, v]) => [
        k,
        isSecretField(k, v) ? '[masked]' : maskSecrets(v),
      ]),
    );
  }
  return value;
}
