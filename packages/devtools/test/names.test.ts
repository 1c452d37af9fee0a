import fc from 'fast-check';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import {
  camelCase,
  checkIdentifier,
  isValidIdentifier,
  kebabCase,
  pascalCase,
} from '../src/generate/names.js';

/** True when TypeScript accepts `class <name> {}` in a module without a syntax error. */
function compilesAsClassName(name: string): boolean {
  const out = ts.transpileModule(`export class ${name} {}\n`, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.ESNext },
  });
  return (out.diagnostics ?? []).length === 0;
}

describe('identifiers', () => {
  it.each(['Payments', '_x', '$y', 'async', 'type', 'of', 'Service2'])('accepts %s', (name) => {
    expect(isValidIdentifier(name)).toBe(true);
    expect(checkIdentifier(name)).toBe(name);
  });

  it.each([
    '',
    '1abc',
    'a-b',
    'class',
    'let',
    'interface',
    'string',
    'any',
    'x y',
    '__proto__ x',
    'é',
  ])('refuses %j with a FoundationError naming the input', (name) => {
    expect(isValidIdentifier(name)).toBe(false);
    expect(() => checkIdentifier(name, '--from')).toThrow(
      /--from: .* is not a valid TypeScript identifier/,
    );
  });

  it('refuses a non-string', () => {
    expect(isValidIdentifier(42 as never)).toBe(false);
  });

  it('property: every name it accepts compiles as a class name', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z_$][A-Za-z0-9_$]{0,12}$/), (name) => {
        if (isValidIdentifier(name)) expect(compilesAsClassName(name)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('property: derived names stay valid (PascalCase, camelCase) and file names are kebab-case', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z][A-Za-z0-9]{0,12}$/), (name) => {
        fc.pre(
          isValidIdentifier(name) &&
            isValidIdentifier(pascalCase(name)) &&
            isValidIdentifier(camelCase(name)),
        );
        expect(kebabCase(name)).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      }),
      { numRuns: 300 },
    );
  });

  it('makes file names', () => {
    expect(kebabCase('PaymentGateway')).toBe('payment-gateway');
    expect(kebabCase('HTTPServer')).toBe('http-server');
    expect(kebabCase('$_')).toBe('module');
    expect(pascalCase('payments')).toBe('Payments');
    expect(camelCase('Payments')).toBe('payments');
  });
});
