import ts from 'typescript';
import type { ContractDescriptor, ContractMember } from '../compliance.js';
import type { ParsedSource } from '../source.js';
import { typeImports } from './imports.js';
import { readInterface, type InterfaceMember } from './interface-members.js';
import { checkIdentifier, kebabCase } from './names.js';
import type { GeneratedFile } from './output.js';

function propertyType(
  type: ts.TypeNode | undefined,
  aliases: ReadonlyMap<string, ts.TypeNode>,
  depth = 0,
): ContractMember['type'] {
  if (!type || depth > 8) return 'object';
  if (ts.isParenthesizedTypeNode(type)) return propertyType(type.type, aliases, depth + 1);
  // A type alias declared in the same module stands for its definition.
  if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && !type.typeArguments) {
    const alias = aliases.get(type.typeName.text);
    if (alias) return propertyType(alias, aliases, depth + 1);
  }
  switch (type.kind) {
    case ts.SyntaxKind.StringKeyword:
    case ts.SyntaxKind.TemplateLiteralType:
      return 'string';
    case ts.SyntaxKind.NumberKeyword:
      return 'number';
    case ts.SyntaxKind.BooleanKeyword:
      return 'boolean';
    case ts.SyntaxKind.FunctionType:
      return 'function';
    default:
      break;
  }
  if (ts.isLiteralTypeNode(type)) {
    if (ts.isStringLiteral(type.literal)) return 'string';
    if (ts.isNumericLiteral(type.literal)) return 'number';
    if (
      type.literal.kind === ts.SyntaxKind.TrueKeyword ||
      type.literal.kind === ts.SyntaxKind.FalseKeyword
    )
      return 'boolean';
  }
  if (ts.isUnionTypeNode(type)) {
    const kinds = new Set(type.types.map((t) => propertyType(t, aliases, depth + 1)));
    if (kinds.size === 1) return [...kinds][0]!;
  }
  return 'object';
}

function arityOf(decl: ts.MethodSignature): number {
  // Function.length counts the parameters before the first optional or rest one.
  const index = decl.parameters.findIndex((p) => p.questionToken ?? p.dotDotDotToken);
  const params = decl.parameters.filter((p) => p.name.getText() !== 'this');
  return index === -1 ? params.length : Math.min(index, params.length);
}

function describeMember(
  member: InterfaceMember,
  aliases: ReadonlyMap<string, ts.TypeNode>,
): ContractMember {
  const name = member.name.replace(/^'|'$/g, '');
  const description = member.description;
  if (member.kind === 'property') {
    const decl = member.declarations?.[0];
    return {
      name,
      kind: 'property',
      type: decl ? propertyType(decl.type, aliases) : 'object',
      optional: member.optional,
      description,
    };
  }
  const decls = (member.declarations ?? []) as ts.MethodSignature[];
  const base: ContractMember = {
    name,
    kind: 'method',
    type: 'function',
    optional: member.optional,
    description,
  };
  if (decls.length !== 1) return base;
  const decl = decls[0]!;
  const returnsPromise =
    decl.type !== undefined &&
    ts.isTypeReferenceNode(decl.type) &&
    ts.isIdentifier(decl.type.typeName) &&
    decl.type.typeName.text === 'Promise';
  // Async-ness is stated only when every return is a promise; `Promise<void> | void` leaves
  // the implementation free to be either.
  return { ...base, arity: arityOf(decl), ...(returnsPromise && { async: true }) };
}

/**
 * Derives the runtime descriptor of an interface from its TypeScript declaration, so the
 * descriptor cannot drift from the type: members (own and inherited), method or property,
 * the property's `typeof`, optional, the TSDoc summary; for a method with one signature its
 * arity, and `async: true` when it returns a `Promise`.
 *
 * Symbol-keyed members (such as `[Symbol.asyncDispose]`) are left out: a descriptor names
 * string keys.
 *
 * @param source - The parsed module declaring the interface.
 * @param interfaceName - The interface to describe.
 * @returns The descriptor: the interface name and its string-keyed members.
 * @throws FoundationError 3204 when the module declares no such interface.
 */
export function describeInterface(source: ParsedSource, interfaceName: string): ContractDescriptor {
  const read = readInterface(source, interfaceName);
  const aliases = new Map<string, ts.TypeNode>();
  for (const statement of source.sourceFile.statements) {
    if (ts.isTypeAliasDeclaration(statement)) aliases.set(statement.name.text, statement.type);
  }
  return {
    name: interfaceName,
    members: read.members
      .filter((m) => !m.name.startsWith('['))
      .map((m) => describeMember(m, aliases)),
  };
}

// JSON strings are valid TypeScript strings; prettier turns them into the project's quotes.
const literal = (value: string): string => JSON.stringify(value);

function descriptorText(descriptor: ContractDescriptor, constName: string): string {
  const members = descriptor.members.map((m) => {
    const fields = [
      `name: ${literal(m.name)}`,
      `kind: '${m.kind}'`,
      `type: '${m.type}'`,
      `optional: ${m.optional}`,
      `description: ${literal(m.description)}`,
      ...(m.arity === undefined ? [] : [`arity: ${m.arity}`]),
      ...(m.async === undefined ? [] : [`async: ${m.async}`]),
    ];
    return `    { ${fields.join(', ')} },`;
  });
  return [
    `/** Runtime descriptor of {@link ${descriptor.name}}, for \`checkCompliance\`. Generated: regenerate, do not edit. */`,
    `export const ${constName}: ContractDescriptor = {`,
    `  name: ${literal(descriptor.name)},`,
    '  members: [',
    ...members,
    '  ],',
    '};',
  ].join('\n');
}

/** What {@link generateContract} needs. */
export interface ContractRequest {
  /** The contract's name (the interface's). */
  readonly name: string;
  /** Read this interface from a module instead of writing a new one. */
  readonly source?: ParsedSource;
  /** The absolute folder the file goes into. */
  readonly outDir: string;
}

/**
 * Writes a contract (the seed's `generate_behavior`): a TypeScript interface plus its runtime
 * descriptor (core's `InterfaceDescriptor` shape). With a source module, the descriptor is
 * derived from the interface declared there, which the file re-exports.
 *
 * @param request - The contract name, the module to read it from (optional) and the output folder.
 * @returns The `<name>.contract.ts` file.
 * @throws FoundationError 3204 for a name that is not an identifier or a missing interface.
 */
export function generateContract(request: ContractRequest): GeneratedFile {
  const name = checkIdentifier(request.name, 'name');
  const path = `${kebabCase(name)}.contract.ts`;
  const outFile = `${request.outDir}/${path}`;
  const constName = `${name}Descriptor`;
  const header = "import type { ContractDescriptor } from '@foundation/devtools';";
  if (request.source) {
    const descriptor = describeInterface(request.source, name);
    const imports = typeImports(request.source, new Set([name]), outFile);
    const content = [
      header,
      ...imports,
      '',
      `export type { ${name} };`,
      '',
      descriptorText(descriptor, constName),
      '',
    ].join('\n');
    return { path, content };
  }
  const interfaceText = [
    `/** The ${name} contract: what every implementation provides. */`,
    `export interface ${name} {`,
    '  /** A unique, stable name. */',
    '  readonly name: string;',
    `  /** Handles one request; rejects with a FoundationError when it cannot. */`,
    '  handle(request: unknown, signal: AbortSignal): Promise<unknown>;',
    '}',
  ].join('\n');
  const descriptor: ContractDescriptor = {
    name,
    members: [
      {
        name: 'name',
        kind: 'property',
        type: 'string',
        optional: false,
        description: 'A unique, stable name.',
      },
      {
        name: 'handle',
        kind: 'method',
        type: 'function',
        optional: false,
        description: 'Handles one request; rejects with a FoundationError when it cannot.',
        arity: 2,
        async: true,
      },
    ],
  };
  const content = [
    header,
    '',
    interfaceText,
    '',
    descriptorText(descriptor, constName),
    '',
    `/** True when \`value\` has the shape of a {@link ${name}}. */`,
    `export function is${name}(value: unknown): value is ${name} {`,
    `  return typeof value === 'object' && value !== null && typeof (value as Partial<${name}>).handle === 'function';`,
    '}',
    '',
  ].join('\n');
  return { path, content };
}
