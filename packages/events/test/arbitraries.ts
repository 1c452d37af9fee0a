import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { FoundationError, isForbiddenKey } from '@foundation/errors';

/** Object keys, including the ones the JSON format must escape. */
export const key = fc
  .oneof(fc.string({ maxLength: 8 }), fc.constantFrom('$t', 'v', 'k', ''))
  .filter((name) => !isForbiddenKey(name));

/** Every leaf value the codecs support. */
export const leaf = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.string({
    unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)),
    maxLength: 3,
  }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.bigInt(),
  fc.date({ noInvalidDate: false }),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => Buffer.from(bytes)),
  fc.uint8Array({ maxLength: 8 }),
  fc.int16Array({ maxLength: 4 }),
  fc.uint32Array({ maxLength: 4 }),
  fc.float32Array({ maxLength: 4 }),
  fc.float64Array({ maxLength: 4 }),
  fc.bigInt64Array({ maxLength: 3 }),
  fc.uint8Array({ maxLength: 8 }).map((bytes) => new Uint8Array(bytes).buffer),
  fc
    .record({ message: fc.string({ maxLength: 10 }), path: fc.string({ maxLength: 5 }) })
    .map(
      ({ message, path }) =>
        new FoundationError('validation_failed', message, { context: { path, n: 1 } }),
    ),
);

/** Nested data of every supported kind. */
export const data: fc.Arbitrary<unknown> = fc.letrec<{
  node: unknown;
  array: unknown[];
  object: Record<string, unknown>;
  map: Map<unknown, unknown>;
  set: Set<unknown>;
}>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    tie('array'),
    tie('object'),
    tie('map'),
    tie('set'),
  ),
  array: fc.array(tie('node'), { maxLength: 4 }),
  object: fc.dictionary(key, tie('node'), { maxKeys: 4, noNullPrototype: true }),
  map: fc
    .array(fc.tuple(tie('node'), tie('node')), { maxLength: 3 })
    .map((entries) => new Map(entries)),
  set: fc.array(tie('node'), { maxLength: 3 }).map((items) => new Set(items)),
})).node;

/**
 * Plain JSON data that a JSON.stringify round trip keeps exactly (so no -0), without
 * forbidden keys or `$t` keys (which the JSON format escapes).
 */
export const jsonData: fc.Arbitrary<unknown> = fc
  .jsonValue()
  .filter(
    (value) =>
      JSON.stringify(value).search(/"(__proto__|constructor|prototype|\$t)"\s*:/) === -1 &&
      isDeepStrictEqual(JSON.parse(JSON.stringify(value)), value),
  );
