import { join } from 'node:path';
import ts from 'typescript';
import { inputError } from '../codes.js';
import type { ParsedSource } from '../source.js';
import { typeImports } from './imports.js';
import {
  readInterface,
  referencedTypeNames,
  type InterfaceMember,
  type ReadInterface,
} from './interface-members.js';
import { checkIdentifier, kebabCase } from './names.js';
import type { GeneratedFile } from './output.js';

/** What {@link generateImpl} needs. */
export interface ImplRequest {
  /** The parsed module declaring the interface. */
  readonly source: ParsedSource;
  /** The interface's name. */
  readonly interfaceName: string;
  /** The class to write; default `<Interface>Impl`. */
  readonly className?: string;
  /** The absolute folder the class's file goes into (for import paths). */
  readonly outDir: string;
  /** Where `notImplemented` is imported from. Default `@foundation/devtools`. */
  readonly devtoolsModule?: string;
}

function isPromiseType(type: ts.TypeNode | undefined): boolean {
  return (
    type !== undefined &&
    ts.isTypeReferenceNode(type) &&
    ts.isIdentifier(type.typeName) &&
    (type.typeName.text === 'Promise' || type.typeName.text === 'PromiseLike')
  );
}

function parameterText(param: ts.ParameterDeclaration, index: number, sf: ts.SourceFile): string {
  const original = param.name.getText(sf);
  if (original === 'this') return `this: ${param.type?.getText(sf) ?? 'unknown'}`;
  const name = ts.isIdentifier(param.name) ? `_${original}` : `_arg${index}`;
  const rest = param.dotDotDotToken ? '...' : '';
  const optional = param.questionToken ? '?' : '';
  return `${rest}${name}${optional}: ${param.type?.getText(sf) ?? 'unknown'}`;
}

function signatureText(decl: ts.MethodSignature, sf: ts.SourceFile, optional: string): string {
  const typeParams = decl.typeParameters
    ? `<${decl.typeParameters.map((t) => t.getText(sf)).join(', ')}>`
    : '';
  const params = decl.parameters.map((p, i) => parameterText(p, i, sf)).join(', ');
  const returns = decl.type ? `: ${decl.type.getText(sf)}` : '';
  return `${decl.name.getText(sf)}${optional}${typeParams}(${params})${returns}`;
}

function indexedType(read: ReadInterface, member: InterfaceMember, sf: ts.SourceFile): string {
  const args = read.typeParameters.length
    ? `<${read.typeParameters.map((t) => t.name.getText(sf)).join(', ')}>`
    : '';
  const key = member.name.startsWith('[')
    ? `typeof ${member.name.slice(1, -1)}`
    : member.name.startsWith("'")
      ? member.name
      : `'${member.name}'`;
  return `${read.name}${args}[${key}]`;
}

function memberLines(
  read: ReadInterface,
  member: InterfaceMember,
  className: string,
  sf: ts.SourceFile,
): string[] {
  const label = `${className}.${member.name.replace(/^'|'$/g, '')}`;
  const fail = `throw notImplemented('${label.replace(/'/g, "\\'")}');`;
  const optional = member.optional ? '?' : '';
  if (member.kind === 'property') {
    const decl = member.declarations?.[0];
    const type = decl?.type ? decl.type.getText(sf) : indexedType(read, member, sf);
    // A function type binds looser than `|`: `() => void | undefined` means something else.
    const loose =
      decl?.type !== undefined &&
      (ts.isFunctionTypeNode(decl.type) ||
        ts.isConstructorTypeNode(decl.type) ||
        ts.isConditionalTypeNode(decl.type));
    const valueType = member.optional ? `${loose ? `(${type})` : type} | undefined` : type;
    const lines = [`  get ${member.name}(): ${valueType} {`, `    ${fail}`, '  }'];
    if (!member.readonly) {
      lines.push(`  set ${member.name}(_value: ${valueType}) {`, `    ${fail}`, '  }');
    }
    return lines;
  }
  const decls = (member.declarations ?? []) as ts.MethodSignature[];
  if (decls.length === 0) {
    // Inherited from outside the file: typed through the interface itself.
    const fn = member.optional
      ? `NonNullable<${indexedType(read, member, sf)}>`
      : indexedType(read, member, sf);
    return [
      `  ${member.name}${optional}(..._args: Parameters<${fn}>): ReturnType<${fn}> {`,
      `    ${fail}`,
      '  }',
    ];
  }
  if (decls.length === 1) {
    const decl = decls[0]!;
    const body = isPromiseType(decl.type)
      ? `return Promise.reject(notImplemented('${label.replace(/'/g, "\\'")}'));`
      : fail;
    return [`  ${signatureText(decl, sf, optional)} {`, `    ${body}`, '  }'];
  }
  const allAsync = decls.every((d) => isPromiseType(d.type));
  return [
    ...decls.map((d) => `  ${signatureText(d, sf, optional)};`),
    allAsync
      ? `  ${member.name}${optional}(..._args: unknown[]): Promise<never> {`
      : `  ${member.name}${optional}(..._args: unknown[]): never {`,
    allAsync
      ? `    return Promise.reject(notImplemented('${label.replace(/'/g, "\\'")}'));`
      : `    ${fail}`,
    '  }',
  ];
}

/**
 * Writes a class implementing an interface read with the TypeScript compiler API (the seed's
 * `generate_behavior_implementation`): every member with its exact parameter and return types
 * (generics, optional members, overloads and async members included), each body failing with
 * `devtools_not_implemented` (7101) naming the member, so the file compiles and a call fails
 * loudly.
 *
 * @param request - The parsed module, the interface, the class name, the output folder and where `notImplemented` is imported from.
 * @returns The class file, named after the class in kebab-case.
 * @throws FoundationError 3204 when the interface does not exist, is not exported, cannot be
 * implemented by a class, or uses a type its module does not export.
 */
export function generateImpl(request: ImplRequest): GeneratedFile {
  const { source, interfaceName } = request;
  const className = checkIdentifier(request.className ?? `${interfaceName}Impl`, 'name');
  const path = `${kebabCase(className)}.ts`;
  const outFile = join(request.outDir, path);
  const read = readInterface(source, interfaceName);
  if (!read.exported)
    throw inputError(
      `${source.path}#${interfaceName}`,
      'is not exported, so the class cannot import it',
    );
  const sf = source.sourceFile;
  const names = new Set<string>([interfaceName]);
  for (const member of read.members)
    for (const d of member.declarations ?? []) referencedTypeNames(d, names);
  for (const tp of read.typeParameters) referencedTypeNames(tp, names);
  for (const d of read.declarations)
    for (const m of d.members) if (ts.isIndexSignatureDeclaration(m)) referencedTypeNames(m, names);
  const typeParams = read.typeParameters.length
    ? `<${read.typeParameters.map((t) => t.getText(sf)).join(', ')}>`
    : '';
  const typeArgs = read.typeParameters.length
    ? `<${read.typeParameters.map((t) => t.name.text).join(', ')}>`
    : '';
  const body: string[] = [];
  for (const signature of read.indexSignatures) body.push(`  ${signature};`);
  for (const member of read.members) {
    if (body.length > 0) body.push('');
    body.push(...memberLines(read, member, className, sf));
  }
  const devtools = request.devtoolsModule ?? '@foundation/devtools';
  const usesNotImplemented = read.members.length > 0;
  const content = [
    ...typeImports(source, names, outFile),
    ...(usesNotImplemented ? [`import { notImplemented } from '${devtools}';`] : []),
    '',
    '/**',
    ` * Implements {@link ${interfaceName}}. Generated by \`foundation-dev generate impl\`: every member`,
    ' * throws `devtools_not_implemented` (7101) until it is written.',
    ' */',
    `export class ${className}${typeParams} implements ${interfaceName}${typeArgs} {`,
    ...body,
    '}',
    '',
  ].join('\n');
  return { path, content };
}
