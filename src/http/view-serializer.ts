import type { FastifySerializerCompiler } from 'fastify';

/**
 * For routes that answer large arrays of views, each built field by field by its view
 * function (so nothing outside the schema can slip in) with timestamps already strings:
 * JSON.stringify writes one flat string, where fast-json-stringify's `json +=` makes several
 * times the garbage for the same bytes (figures in bench/README.md). The response schema
 * still documents the route; a test pins the answer to the schema's fields.
 */
export const viewSerializer: FastifySerializerCompiler<unknown> = () => (data) => JSON.stringify(data);
