import { defineErrorCodes } from '@foundation/errors';

declare module '@foundation/errors' {
  interface ErrorCodeRegistry {
    /** 2003: a payload or a store entry is larger than the limit allows. */
    data_too_large: true;
  }
}

/**
 * The error codes this package registers on top of the built-in table: 2003 `data_too_large`,
 * raised when a serialized event (either way) or a stored event exceeds its size limit.
 */
export const EventErrorCodes = defineErrorCodes({
  data_too_large: {
    code: 2003,
    category: 'system',
    subcategory: 'resources',
    severity: 'medium',
    retry: 'none',
    description: 'Data too large',
  },
});
