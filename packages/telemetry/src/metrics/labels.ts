import { isForbiddenKey } from '@foundation/errors';
import { inputError } from '../codes.js';

/** Label values given to a metric: each declared label name mapped to a string, number or boolean. */
export type LabelValues = Readonly<Record<string, string | number | boolean>>;

/** The labels of one series, as strings. */
export type Labels = Readonly<Record<string, string>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The label value every label of the overflow series carries. */
export const OVERFLOW_LABEL_VALUE = '__overflow__';

/** Throws unless `name` is a valid Prometheus metric name. */
export function checkMetricName(name: unknown): string {
  if (typeof name !== 'string' || !METRIC_NAME.test(name)) {
    throw inputError('invalid_input', 'name', `a metric name must match ${String(METRIC_NAME)}`, {
      received: typeof name === 'string' ? name : typeof name,
    });
  }
  return name;
}

/**
 * Throws unless `names` is a list of distinct valid Prometheus label names (not reserved with
 * `__`, not `__proto__`/`constructor`/`prototype`, and none of `reserved`).
 */
export function checkLabelNames(names: unknown, reserved: readonly string[] = []): string[] {
  if (names === undefined) return [];
  if (!Array.isArray(names)) {
    throw inputError('invalid_input', 'labelNames', 'labelNames must be an array of strings');
  }
  const seen = new Set<string>();
  names.forEach((name: unknown, i) => {
    const path = `labelNames[${i}]`;
    if (typeof name !== 'string' || !LABEL_NAME.test(name) || name.startsWith('__')) {
      throw inputError(
        'invalid_input',
        path,
        `a label name must match ${String(LABEL_NAME)} and not start with __`,
      );
    }
    if (isForbiddenKey(name) || reserved.includes(name)) {
      throw inputError('invalid_input', path, `label name '${name}' is reserved`);
    }
    if (seen.has(name)) throw inputError('invalid_input', path, `label '${name}' appears twice`);
    seen.add(name);
  });
  return [...seen];
}

function labelValue(value: unknown, metric: string, name: string): string {
  if (typeof value === 'string') return value;
  if ((typeof value === 'number' && Number.isFinite(value)) || typeof value === 'boolean') {
    return String(value);
  }
  throw inputError(
    value === undefined ? 'invalid_input' : 'type_mismatch',
    `${metric}.labels.${name}`,
    value === undefined
      ? `label '${name}' is missing`
      : 'a label value must be a string, a finite number or a boolean',
  );
}

function unknownLabel(labels: object, names: readonly string[], metric: string): never {
  const extra = Object.keys(labels).find((key) => !names.includes(key)) ?? '';
  throw inputError(
    'invalid_input',
    `${metric}.labels.${extra}`,
    `'${extra}' is not a declared label`,
    {
      declared: names,
    },
  );
}

/**
 * The key of the series `labels` selects, checking them on the way: every declared label
 * present with a valid value, no other key. One label's key is its value; several are
 * length-prefixed so no two label sets share a key.
 */
export function seriesKey(names: readonly string[], labels: unknown, metric: string): string {
  if (typeof labels !== 'object' || labels === null) {
    throw inputError('invalid_input', `${metric}.labels`, 'labels must be an object');
  }
  const record = labels as Record<string, unknown>;
  let key = '';
  if (names.length === 1) {
    key = labelValue(record[names[0]!], metric, names[0]!);
  } else {
    for (const name of names) {
      const value = labelValue(record[name], metric, name);
      key += `${value.length}:${value}`;
    }
  }
  let count = 0;
  for (const _ in record) count++;
  // An own `__proto__` key (as JSON.parse makes) is counted here too, so it is refused.
  if (count !== names.length) unknownLabel(record, names, metric);
  return key;
}

/** The label record of a series: declared names mapped to string values, frozen. */
export function labelRecord(names: readonly string[], labels: LabelValues): Labels {
  const record: Record<string, string> = {};
  for (const name of names) record[name] = String(labels[name]);
  return Object.freeze(record);
}

/** The labels of the overflow series: every declared label set to {@link OVERFLOW_LABEL_VALUE}. */
export function overflowLabels(names: readonly string[]): Labels {
  return Object.freeze(Object.fromEntries(names.map((name) => [name, OVERFLOW_LABEL_VALUE])));
}
