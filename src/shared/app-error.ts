import { type ErrorCode, errorCatalog, type FieldError } from './errors.js';

/**
 * The one error family for rule violations. Services throw it with a stable dotted code;
 * the HTTP layer turns it into problem+json in one place.
 */
export class AppError extends Error {
  override name = 'AppError';
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    detail?: string,
    readonly extras: { errors?: FieldError[]; headers?: Record<string, string> } = {},
  ) {
    super(detail ?? errorCatalog[code].title);
    this.status = errorCatalog[code].status;
  }
  get detail(): string {
    return this.message;
  }
}

/** Throws `new AppError(code, detail)` unless `condition` holds. */
export function assertThat(condition: unknown, code: ErrorCode, detail?: string): asserts condition {
  if (!condition) throw new AppError(code, detail);
}
