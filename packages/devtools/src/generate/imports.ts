import { dirname, relative, resolve } from 'node:path';
import ts from 'typescript';
import { inputError } from '../codes.js';
import { isExported, type ParsedSource } from '../source.js';

/**
 * The import specifier for `target` (a .ts file) as seen from `fromFile`: `./x.js` style.
 *
 * @param fromFile - The file that imports.
 * @param target - The `.ts` file imported.
 * @returns A relative specifier with the `.js` (`.mjs`, `.cjs`) extension.
 */
export function moduleSpecifier(fromFile: string, target: string): string {
  let rel = relative(dirname(fromFile), target).replace(/\\/g, '/');
  rel = rel.replace(/\.(m|c)?tsx?$/, (_m, kind: string | undefined) => `.${kind ?? ''}js`);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

function declaredNames(statement: ts.Statement): string[] {
  if (
    ts.isInterfaceDeclaration(statement) ||
    ts.isTypeAliasDeclaration(statement) ||
    ts.isClassDeclaration(statement) ||
    ts.isEnumDeclaration(statement) ||
    ts.isFunctionDeclaration(statement)
  ) {
    return statement.name ? [statement.name.text] : [];
  }
  if (ts.isVariableStatement(statement)) {
    return statement.declarationList.declarations.flatMap((d) =>
      ts.isIdentifier(d.name) ? [d.name.text] : [],
    );
  }
  return [];
}

/**
 * The `import type` lines a generated file at `outFile` needs for `names`, used in types copied
 * from `source`: names the module exports come from it; names it imports come from where it
 * imports them (relative paths re-pointed); other names (globals, type parameters) need none.
 *
 * @param source - The module the types were copied from.
 * @param names - The type names the generated file uses.
 * @param outFile - The generated file, for relative specifiers.
 * @returns The import lines, sorted by module.
 * @throws FoundationError 3204 when a needed name is declared in the module but not exported.
 */
export function typeImports(
  source: ParsedSource,
  names: ReadonlySet<string>,
  outFile: string,
): string[] {
  const fromSource: string[] = [];
  const byModule = new Map<string, string[]>();
  const local = new Map<string, boolean>();
  for (const statement of source.sourceFile.statements) {
    for (const name of declaredNames(statement))
      local.set(name, local.get(name) === true || isExported(statement));
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier))
      continue;
    const clause = statement.importClause;
    const specifier = statement.moduleSpecifier.text;
    const target = specifier.startsWith('.')
      ? moduleSpecifier(outFile, resolve(dirname(source.path), specifier.replace(/\.js$/, '.ts')))
      : specifier;
    const bound: { local: string; text: string }[] = [];
    if (clause?.name)
      bound.push({ local: clause.name.text, text: `default as ${clause.name.text}` });
    const bindings = clause?.namedBindings;
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        const imported = element.propertyName?.getText(source.sourceFile);
        bound.push({
          local: element.name.text,
          text: imported ? `${imported} as ${element.name.text}` : element.name.text,
        });
      }
    } else if (bindings && ts.isNamespaceImport(bindings) && names.has(bindings.name.text)) {
      byModule.set(`* as ${bindings.name.text}`, [target]);
    }
    for (const { local: name, text } of bound) {
      if (!names.has(name)) continue;
      byModule.set(target, [...(byModule.get(target) ?? []), text]);
    }
  }
  for (const name of names) {
    const exported = local.get(name);
    if (exported === undefined) continue;
    if (!exported) {
      throw inputError(
        `${source.path}#${name}`,
        `is used by the interface but not exported, so the generated file cannot import it`,
      );
    }
    fromSource.push(name);
  }
  const lines: string[] = [];
  if (fromSource.length > 0) {
    lines.push(
      `import type { ${fromSource.sort().join(', ')} } from '${moduleSpecifier(outFile, source.path)}';`,
    );
  }
  for (const [module, imported] of byModule) {
    if (module.startsWith('* as ')) lines.push(`import type ${module} from '${imported[0]!}';`);
    else lines.push(`import type { ${imported.sort().join(', ')} } from '${module}';`);
  }
  return lines;
}
