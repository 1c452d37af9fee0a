import { isForbiddenKey } from '@foundation/errors';

/**
 * `isForbiddenKey` behind a length check: the forbidden keys (`__proto__`, `constructor`,
 * `prototype`) are 9 to 11 characters long, so most keys are cleared without a set lookup.
 * Codecs call this for every key they see.
 */
export function forbiddenKey(key: string): boolean {
  return key.length >= 9 && key.length <= 11 && isForbiddenKey(key);
}
