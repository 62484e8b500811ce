import { applyDecorators } from '@nestjs/common';
import { ApiExtension, ApiResponse } from '@nestjs/swagger';
import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';
import type { ErrorCode } from '@switchboard/core';

/**
 * Response schemas are plain OpenAPI objects rather than decorated classes: the wire shapes
 * come from mapper functions (`toCallResponse`, …), not from classes, and a plain object says
 * `nullable`, `oneOf` and open maps without fighting the decorators. The e2e suite checks
 * real responses against them, which is what keeps them honest.
 */
export type Schema = SchemaObject | ReferenceObject;

export const ref = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });

/** OpenAPI 3.0 ignores siblings of `$ref`, so a nullable reference needs `allOf`. */
export const nullableRef = (name: string, description?: string): SchemaObject => ({
  allOf: [ref(name)],
  nullable: true,
  ...(description ? { description } : {}),
});

export const text = (description?: string, extra: SchemaObject = {}): SchemaObject => ({
  type: 'string',
  ...(description ? { description } : {}),
  ...extra,
});
export const nullableText = (description?: string, extra: SchemaObject = {}): SchemaObject =>
  text(description, { nullable: true, ...extra });
export const time = (description?: string): SchemaObject =>
  text(description, { format: 'date-time', example: '2026-01-05T14:03:11.000Z' });
export const nullableTime = (description?: string): SchemaObject => ({ ...time(description), nullable: true });
export const integer = (description?: string, extra: SchemaObject = {}): SchemaObject => ({
  type: 'integer',
  ...(description ? { description } : {}),
  ...extra,
});
export const bool = (description?: string): SchemaObject => ({
  type: 'boolean',
  ...(description ? { description } : {}),
});
export const constant = (value: string): SchemaObject => ({ type: 'string', enum: [value] });
export const stringMap = (description?: string): SchemaObject => ({
  type: 'object',
  additionalProperties: { type: 'string' },
  ...(description ? { description } : {}),
});
export const anyObject = (description?: string, extra: SchemaObject = {}): SchemaObject => ({
  type: 'object',
  additionalProperties: true,
  ...(description ? { description } : {}),
  ...extra,
});
export const arrayOf = (items: Schema, description?: string): SchemaObject => ({
  type: 'array',
  items,
  ...(description ? { description } : {}),
});

/** An object whose properties are all present on the wire (null where unknown) unless named optional. */
export function object(
  properties: Record<string, Schema>,
  options: { description?: string; optional?: string[]; example?: unknown } = {},
): SchemaObject {
  const optional = new Set(options.optional ?? []);
  const required = Object.keys(properties).filter((key) => !optional.has(key));
  return {
    type: 'object',
    ...(options.description ? { description: options.description } : {}),
    // OpenAPI 3.0 refuses an empty `required` list: none required is said by leaving it out.
    ...(required.length ? { required } : {}),
    properties,
    ...(options.example !== undefined ? { example: options.example } : {}),
  };
}

/** The contract's list envelope (the API reference's introduction, src/common/openapi.ts). */
export function listOf(
  item: string,
  cursorDescription = 'Pass as ?cursor= for the next page; null on the last page',
): SchemaObject {
  return object({
    data: arrayOf(ref(item)),
    has_more: bool('True when another page follows'),
    next_cursor: nullableText(cursorDescription),
  });
}

/** The success answer of an operation: a named component schema (or an inline one). */
export function ApiOk(schema: string | Schema, options: { status?: number; description?: string } = {}) {
  return ApiResponse({
    status: options.status ?? 200,
    description: options.description ?? 'OK',
    schema: typeof schema === 'string' ? ref(schema) : schema,
  });
}

export function ApiNoContent(description = 'Done; no body') {
  return ApiResponse({ status: 204, description });
}

export const ERROR_CODES_EXTENSION = 'x-error-codes';

/**
 * The error codes an operation can return beyond those every operation of its kind shares
 * (those are added in openapi.ts from the route's shape). Kept as an extension so the
 * document lists, per operation, every code a client must handle.
 */
export function ApiErrors(...codes: ErrorCode[]) {
  return applyDecorators(ApiExtension(ERROR_CODES_EXTENSION, codes));
}
