import { dirname } from 'node:path';
import ts from 'typescript';
import { inputError } from '../codes.js';
import { isExported, type ParsedSource } from '../source.js';

/** One member of an interface, as read from its declaration text. */
export interface InterfaceMember {
  /** The member's name as written (`greet`, `'my-key'`, `[Symbol.asyncDispose]`). */
  readonly name: string;
  /** A method is called; a property is read. */
  readonly kind: 'method' | 'property';
  /** Whether it is optional. */
  readonly optional: boolean;
  /** Whether it is readonly (properties). */
  readonly readonly: boolean;
  /**
   * The declarations: one per overload for a method, one for a property (its getter for an
   * accessor pair). Absent for a member inherited from an interface outside the file, and for a
   * setter without a getter, which are typed by indexed access.
   */
  readonly declarations?: readonly MemberDeclaration[];
  /** The member's TSDoc summary, when it has one. */
  readonly description: string;
}

/** A declaration a member is read from. */
export type MemberDeclaration =
  ts.MethodSignature | ts.PropertySignature | ts.GetAccessorDeclaration;

/** An interface read from a module. */
export interface ReadInterface {
  /** The interface's name. */
  readonly name: string;
  /** Its type parameters as written (`T extends object = {}`), empty when none. */
  readonly typeParameters: readonly ts.TypeParameterDeclaration[];
  /** Every member, own and inherited, in declaration order. */
  readonly members: readonly InterfaceMember[];
  /** Index signatures, as written. */
  readonly indexSignatures: readonly string[];
  /** The declarations (several when the interface is merged). */
  readonly declarations: readonly ts.InterfaceDeclaration[];
  /** Whether the interface is exported from its module. */
  readonly exported: boolean;
}

function memberName(member: ts.TypeElement, sourceFile: ts.SourceFile): string {
  return member.name ? member.name.getText(sourceFile) : '';
}

function docSummary(node: ts.Node): string {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const comment = docs.at(-1)?.comment;
  const text = typeof comment === 'string' ? comment : (ts.getTextOfJSDocComment(comment) ?? '');
  return text.replace(/\s+/g, ' ').trim();
}

function findInterfaces(sourceFile: ts.SourceFile, name: string): ts.InterfaceDeclaration[] {
  return sourceFile.statements.filter(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === name,
  );
}

/**
 * Reads interface `name` from a parsed module: its own members, those of interfaces it
 * extends in the same file (without type arguments), and, through the type checker, the
 * names of members inherited from elsewhere.
 *
 * @param source - The parsed module.
 * @param name - The interface to read.
 * @returns Its members, type parameters, index signatures, declarations and whether it is exported.
 * @throws FoundationError 3204 when there is no such interface, or it has call or construct
 * signatures (a class cannot implement those).
 */
export function readInterface(source: ParsedSource, name: string): ReadInterface {
  const { sourceFile } = source;
  const declarations = findInterfaces(sourceFile, name);
  const label = `${source.path}#${name}`;
  if (declarations.length === 0)
    throw inputError(label, `the file declares no interface '${name}'`);
  const members: InterfaceMember[] = [];
  const byName = new Map<string, InterfaceMember>();
  const indexSignatures: string[] = [];
  const state = { needsChecker: false };
  const visit = (decls: readonly ts.InterfaceDeclaration[], seen: Set<string>): void => {
    for (const decl of decls) {
      for (const element of decl.members) {
        if (ts.isCallSignatureDeclaration(element) || ts.isConstructSignatureDeclaration(element)) {
          throw inputError(
            label,
            'has call or construct signatures, which a class cannot implement',
          );
        }
        if (ts.isIndexSignatureDeclaration(element)) {
          indexSignatures.push(element.getText(sourceFile).replace(/[;,]$/, ''));
          continue;
        }
        const key = memberName(element, sourceFile);
        if (ts.isGetAccessorDeclaration(element) || ts.isSetAccessorDeclaration(element)) {
          // An accessor is a property to implementers: readonly unless it has a setter.
          if (byName.has(key)) continue;
          const accessor: InterfaceMember = {
            name: key,
            kind: 'property',
            optional: false,
            readonly: !decl.members.some(
              (m) => ts.isSetAccessorDeclaration(m) && memberName(m, sourceFile) === key,
            ),
            ...(ts.isGetAccessorDeclaration(element) && { declarations: [element] }),
            description: docSummary(element),
          };
          byName.set(key, accessor);
          members.push(accessor);
          continue;
        }
        if (!ts.isMethodSignature(element) && !ts.isPropertySignature(element)) continue;
        const existing = byName.get(key);
        if (existing) {
          // A later overload of a method seen before (own members come first and win).
          if (existing.kind === 'method' && ts.isMethodSignature(element) && seen.size === 1) {
            (existing.declarations as MemberDeclaration[]).push(element);
          }
          continue;
        }
        const member: InterfaceMember = {
          name: key,
          kind: ts.isMethodSignature(element) ? 'method' : 'property',
          optional: element.questionToken !== undefined,
          readonly: (ts.getModifiers(element) ?? []).some(
            (m) => m.kind === ts.SyntaxKind.ReadonlyKeyword,
          ),
          declarations: [element],
          description: docSummary(element),
        };
        byName.set(key, member);
        members.push(member);
      }
      for (const clause of decl.heritageClauses ?? []) {
        for (const type of clause.types) {
          const baseName = ts.isIdentifier(type.expression) ? type.expression.text : undefined;
          const local = baseName ? findInterfaces(sourceFile, baseName) : [];
          if (baseName && local.length > 0 && !type.typeArguments && !seen.has(baseName)) {
            visit(local, new Set([...seen, baseName]));
          } else {
            state.needsChecker = true;
          }
        }
      }
    }
  };
  visit(declarations, new Set([name]));
  if (state.needsChecker) {
    for (const inherited of inheritedMembers(source, declarations[0]!)) {
      if (byName.has(inherited.name)) continue;
      byName.set(inherited.name, inherited);
      members.push(inherited);
    }
  }
  return {
    name,
    typeParameters: declarations.find((d) => d.typeParameters)?.typeParameters ?? [],
    members,
    indexSignatures,
    declarations,
    exported: declarations.some(isExported),
  };
}

/** The project's compiler options: its nearest tsconfig, or strict defaults. */
function compilerOptionsFor(path: string): ts.CompilerOptions {
  const configPath = ts.findConfigFile(dirname(path), (f) => ts.sys.fileExists(f));
  const fallback: ts.CompilerOptions = {
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
  };
  if (!configPath) return fallback;
  const config = ts.readConfigFile(configPath, (f) => ts.sys.readFile(f));
  if (config.error) return fallback;
  return ts.parseJsonConfigFileContent(config.config, ts.sys, dirname(configPath)).options;
}

// Members inherited from interfaces outside the file: read through the type checker, typed by
// indexed access on the interface itself, so their types are exact without copying imports.
function inheritedMembers(source: ParsedSource, decl: ts.InterfaceDeclaration): InterfaceMember[] {
  const program = ts.createProgram([source.path], {
    ...compilerOptionsFor(source.path),
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(source.path);
  const node = sourceFile?.statements.find(
    (s): s is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(s) && s.name.text === decl.name.text,
  );
  const symbol = node ? checker.getSymbolAtLocation(node.name) : undefined;
  if (!symbol) return [];
  const type = checker.getDeclaredTypeOfSymbol(symbol);
  return checker.getPropertiesOfType(type).flatMap((property): InterfaceMember[] => {
    const declaration = property.declarations?.[0];
    if (!declaration || declaration.getSourceFile() === sourceFile) return [];
    let name = property.getName();
    if (name.startsWith('__@')) {
      // Symbol-keyed: only well-known symbols (`[Symbol.iterator]`) can be named from here.
      const declared = ts.getNameOfDeclaration(declaration);
      const expression =
        declared && ts.isComputedPropertyName(declared) ? declared.expression.getText() : '';
      if (!/^Symbol\.\w+$/.test(expression)) return [];
      name = `[${expression}]`;
    }
    const method = ts.isMethodSignature(declaration) || ts.isMethodDeclaration(declaration);
    return [
      {
        name: /^(?:[A-Za-z_$][\w$]*|\[Symbol\.\w+\])$/.test(name) ? name : `'${name}'`,
        kind: method ? 'method' : 'property',
        optional: (property.flags & ts.SymbolFlags.Optional) !== 0,
        readonly: (ts.getCombinedModifierFlags(declaration) & ts.ModifierFlags.Readonly) !== 0,
        description: ts
          .displayPartsToString(property.getDocumentationComment(checker))
          .replace(/\s+/g, ' ')
          .trim(),
      },
    ];
  });
}

/**
 * Leftmost identifiers of the type references inside `node` (the names an import must bring).
 *
 * @param node - The node to search.
 * @param into - The set the names are added to.
 * @returns `into`, with the names found.
 */
export function referencedTypeNames(node: ts.Node, into: Set<string>): Set<string> {
  const visit = (n: ts.Node): void => {
    if (ts.isTypeReferenceNode(n)) {
      let entity: ts.EntityName = n.typeName;
      while (ts.isQualifiedName(entity)) entity = entity.left;
      into.add(entity.text);
    } else if (ts.isTypeQueryNode(n)) {
      let entity: ts.EntityName = n.exprName;
      while (ts.isQualifiedName(entity)) entity = entity.left;
      into.add(entity.text);
    } else if (ts.isExpressionWithTypeArguments(n) && ts.isIdentifier(n.expression)) {
      into.add(n.expression.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return into;
}
