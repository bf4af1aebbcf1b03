import fastJsonStringify from 'fast-json-stringify';
import type { FastifySchemaCompiler, FastifySerializerCompiler } from 'fastify';
import type { ValidateFunction } from 'ajv';
import { compileValidator } from './validation.js';

/**
 * An app's request validators and response serializers, each compiled by the first request
 * that needs it rather than at start. Compiling them all (every route declares its problem
 * responses too, most never sent) took ~0.4 s of a ~3.6 s start (bench/README.md, issue
 * 17.6); a route's first request now pays its own few milliseconds. {@link compileAll}
 * compiles the rest at once: a test runs it, so a broken schema cannot wait in production
 * for its first caller.
 */
export class LazySchemas {
  private readonly pending = new Set<() => void>();

  readonly validatorCompiler: FastifySchemaCompiler<unknown> = (route) => {
    let compiled: ValidateFunction | undefined;
    const compile = () => {
      this.pending.delete(compile);
      return (compiled ??= compileValidator(route));
    };
    this.pending.add(compile);
    // Fastify reads a failed validation's errors from the function it was given.
    const validate = (data: unknown) => {
      const valid = (compiled ?? compile())(data);
      validate.errors = compiled!.errors;
      return valid;
    };
    validate.errors = null as ValidateFunction['errors'];
    return validate;
  };

  /** Fastify's own serializer (fast-json-stringify), built on first use. */
  readonly serializerCompiler: FastifySerializerCompiler<unknown> = ({ schema }) => {
    let serialize: ((data: unknown) => string) | undefined;
    const compile = (): ((data: unknown) => string) => {
      this.pending.delete(compile);
      return (serialize ??= fastJsonStringify(schema as object) as (data: unknown) => string);
    };
    this.pending.add(compile);
    return (data) => (serialize ?? compile())(data);
  };

  /** Compiles every schema not compiled yet; returns how many there were. */
  compileAll(): number {
    const count = this.pending.size;
    for (const compile of [...this.pending]) compile();
    return count;
  }
}
