import ts from 'typescript';
import { inputError } from '../codes.js';

/**
 * True when `name` is a valid TypeScript identifier that is not a reserved word (so it can
 * name a class, an interface or a variable).
 *
 * @param name - The name to check.
 * @returns Whether it is one (reserved words are not).
 */
export function isValidIdentifier(name: string): boolean {
  if (typeof name !== 'string' || !/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(name)) return false;
  if (TYPE_NAMES.has(name)) return false;
  const scanner = ts.createScanner(
    ts.ScriptTarget.Latest,
    false,
    ts.LanguageVariant.Standard,
    name,
  );
  const token = scanner.scan();
  // Contextual keywords (async, type, of, ...) are identifiers; reserved words and the words
  // reserved in strict mode (modules and classes are strict) are not.
  const identifier =
    token === ts.SyntaxKind.Identifier ||
    (token > ts.SyntaxKind.LastFutureReservedWord && token <= ts.SyntaxKind.LastKeyword);
  return identifier && scanner.getTokenEnd() === name.length;
}

// Names TypeScript refuses for a class or an interface, though they scan as identifiers.
const TYPE_NAMES = new Set([
  'any',
  'unknown',
  'number',
  'bigint',
  'boolean',
  'string',
  'symbol',
  'void',
  'never',
  'object',
  'undefined',
  'arguments',
  'eval',
]);

/**
 * Refuses a name that is not a valid identifier, naming the input.
 *
 * @param name - The name to check.
 * @param path - The input it came from, for the error. Default `name`.
 * @returns The name, unchanged.
 * @throws FoundationError 3204 naming `path` when it is not a valid TypeScript identifier.
 */
export function checkIdentifier(name: string, path = 'name'): string {
  if (!isValidIdentifier(name)) {
    throw inputError(path, `'${name}' is not a valid TypeScript identifier`);
  }
  return name;
}

/**
 * `PaymentGateway` → `payment-gateway`: the file name of a generated module.
 *
 * @param name - An identifier.
 * @returns The kebab-case name (`module` when no letter or digit is left).
 */
export function kebabCase(name: string): string {
  return (
    name
      .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1-$2')
      .replace(/[_$]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .toLowerCase() || 'module'
  );
}

/**
 * `paymentGateway` → `PaymentGateway`.
 *
 * @param name - An identifier.
 * @returns The name with its first letter upper-cased.
 */
export function pascalCase(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/**
 * `PaymentGateway` → `paymentGateway`.
 *
 * @param name - An identifier.
 * @returns The name with its first letter lower-cased.
 */
export function camelCase(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
