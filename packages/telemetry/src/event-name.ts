import { isForbiddenKey } from '@foundation/errors';
import { inputError, receivedNumber } from './codes.js';

/** A telemetry event name: a list of segments, such as `['foundation', 'config', 'updated']`. */
export type EventName = readonly string[];

/** Numeric facts about an event, such as `{ durationNs: 1200 }`. Every value is a finite number. */
export type Measurements = Readonly<Record<string, number>>;

/** Non-numeric facts about an event: ids, names, results. */
export type Metadata = Readonly<Record<string, unknown>>;

/** The most segments an event name may have. */
export const MAX_EVENT_NAME_SEGMENTS = 16;

/**
 * True when `name` is a valid event name: 1 to {@link MAX_EVENT_NAME_SEGMENTS} non-empty string
 * segments, none of them `__proto__`, `constructor` or `prototype`. Cheap enough to run on every
 * `execute`, so a bad name is refused even when nobody listens.
 *
 * @param name - anything, such as an event name received from a caller
 * @returns `true` when `name` is a valid event name (then it is narrowed to an
 *   {@link EventName}), `false` otherwise
 */
export function isValidEventName(name: unknown): name is EventName {
  if (!Array.isArray(name)) return false;
  const length = name.length;
  if (length === 0 || length > MAX_EVENT_NAME_SEGMENTS) return false;
  for (let i = 0; i < length; i++) {
    const segment: unknown = name[i];
    if (typeof segment !== 'string' || segment.length === 0 || isForbiddenKey(segment)) {
      return false;
    }
  }
  return true;
}

/** Throws the FoundationError that says why `name` is not a valid event name. */
export function invalidEventName(name: unknown, path = 'eventName'): never {
  if (!Array.isArray(name)) {
    throw inputError('invalid_input', path, 'an event name must be an array of string segments', {
      received: typeof name,
    });
  }
  if (name.length === 0 || name.length > MAX_EVENT_NAME_SEGMENTS) {
    throw inputError(
      'invalid_input',
      path,
      `an event name must have 1 to ${MAX_EVENT_NAME_SEGMENTS} segments`,
      { segments: name.length },
    );
  }
  const at = (name as unknown[]).findIndex(
    (segment) => typeof segment !== 'string' || segment.length === 0 || isForbiddenKey(segment),
  );
  throw inputError(
    'invalid_input',
    `${path}[${at}]`,
    'each segment must be a non-empty string other than __proto__, constructor and prototype',
  );
}

/** Returns `name` when valid, a frozen copy, or throws {@link invalidEventName}'s error. */
export function checkEventName(name: unknown, path = 'eventName'): EventName {
  if (!isValidEventName(name)) invalidEventName(name, path);
  return Object.freeze([...name]);
}

/**
 * True when `name` can never change: frozen, and every segment an own data property (no
 * getter, no hole reading through to `Array.prototype`). Such a name, once validated, is
 * trusted by identity; any other is compared with a validated copy on every use.
 *
 * @param name - a valid event name
 * @returns whether its segments are fixed for good
 */
export function isImmutableName(name: EventName): boolean {
  if (!Object.isFrozen(name)) return false;
  for (let i = 0; i < name.length; i++) {
    const descriptor = Object.getOwnPropertyDescriptor(name, i);
    if (descriptor === undefined || !('value' in descriptor)) return false;
  }
  return true;
}

/**
 * True when `measurements` can never change: frozen, every own key a data property, and
 * inheriting from `Object.prototype` or nothing. Once checked, such an object is trusted by
 * identity; any other is checked again on every `execute`.
 *
 * @param measurements - measurements that passed {@link checkMeasurements}
 * @returns whether its values are fixed for good
 */
export function isImmutableMeasurements(measurements: Measurements): boolean {
  const proto: unknown = Object.getPrototypeOf(measurements);
  if (!Object.isFrozen(measurements) || (proto !== Object.prototype && proto !== null)) {
    return false;
  }
  return Object.values(Object.getOwnPropertyDescriptors(measurements)).every(
    (descriptor) => 'value' in descriptor,
  );
}

/**
 * Throws unless every own enumerable value of `measurements` is a finite number (and no key is
 * forbidden). Runs on every `execute`, whether or not a handler listens.
 */
export function checkMeasurements(measurements: unknown): void {
  if (typeof measurements !== 'object' || measurements === null || Array.isArray(measurements)) {
    throw inputError('type_mismatch', 'measurements', 'measurements must be a plain object', {
      received: measurements === null ? 'null' : typeof measurements,
    });
  }
  for (const key in measurements) {
    // An own `__proto__` key (as JSON.parse makes) is enumerated here too, and refused.
    if (isForbiddenKey(key)) {
      throw inputError('invalid_input', `measurements.${key}`, 'forbidden measurement key');
    }
    const value: unknown = (measurements as Record<string, unknown>)[key];
    if (typeof value !== 'number' || value - value !== 0) badMeasurement(key, value);
  }
}

function badMeasurement(key: string, value: unknown): never {
  throw inputError(
    'type_mismatch',
    `measurements.${key}`,
    'a measurement must be a finite number',
    {
      received: receivedNumber(value),
    },
  );
}

/** True when `name` starts with every segment of `prefix`. */
export function hasPrefix(name: EventName, prefix: EventName): boolean {
  if (prefix.length > name.length) return false;
  for (let i = 0; i < prefix.length; i++) if (name[i] !== prefix[i]) return false;
  return true;
}
