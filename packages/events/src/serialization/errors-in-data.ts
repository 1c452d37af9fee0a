import {
  deserializeError,
  FoundationError,
  serializeError,
  type SerializedError,
} from '@foundation/errors';
import { CodecFailure } from './failure.js';

/** An error inside event data, in the errors package's lossless JSON form. */
export function encodeError(error: Error): SerializedError {
  return serializeError(error);
}

function claimsDecodeFailure(value: unknown): boolean {
  const object = value as Partial<SerializedError> | null;
  return (
    typeof object === 'object' &&
    object !== null &&
    object.kind === 'foundation' &&
    object.codeName === 'deserialization_failed'
  );
}

/**
 * Restores an error from its serialized form. `deserializeError` reports malformed input by
 * returning a 3102 error instead of throwing; here that becomes a decode failure, unless the
 * input really was a serialized 3102 error.
 */
export function decodeError(value: unknown): Error {
  const restored = deserializeError(value);
  if (
    FoundationError.is(restored) &&
    restored.codeName === 'deserialization_failed' &&
    !claimsDecodeFailure(value)
  ) {
    const where = restored.context.path;
    throw new CodecFailure(
      'decode',
      `not a valid serialized error (${typeof where === 'string' ? where : '$'}: ${String(restored.context.rule)})`,
    );
  }
  return restored;
}
