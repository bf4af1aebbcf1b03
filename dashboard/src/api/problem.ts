import type { ErrorCode, FieldError, Problem } from '../../../src/shared/errors';

export type { ErrorCode };

/** A problem+json answer from the API, thrown so queries and mutations fail with it. */
export class ApiProblem extends Error {
  override name = 'ApiProblem';
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title);
  }

  get code(): ErrorCode {
    return this.problem.code;
  }

  get status(): number {
    return this.problem.status;
  }

  /** The message for one body field (`body/email` → `email`; a nested one as `identity/phone`), when the API named it. */
  fieldError(name: string): string | undefined {
    return this.problem.errors?.find((error) => fieldName(error) === name || fieldPath(error) === name)?.message;
  }

  /** Field errors that no form field shows: they are listed with the problem instead. */
  otherFieldErrors(shown: readonly string[]): FieldError[] {
    return (this.problem.errors ?? []).filter((error) => !shown.includes(fieldName(error)));
  }
}

function fieldPath(error: FieldError): string {
  return error.field.replace(/^(body|querystring|params)\/?/, '');
}

function fieldName(error: FieldError): string {
  return fieldPath(error).split('/')[0] ?? '';
}

/** Any failure as a problem: a network failure or an unreadable answer becomes one too. */
export function asProblem(error: unknown): ApiProblem {
  if (error instanceof ApiProblem) return error;
  return new ApiProblem({ type: 'about:blank', title: 'network', status: 0, code: 'service.unavailable' });
}

export function isProblem(error: unknown, code: ErrorCode): boolean {
  return error instanceof ApiProblem && error.code === code;
}
