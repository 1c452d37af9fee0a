import { basename } from 'node:path';
import ts from 'typescript';
import { isExported, type ParsedSource } from '../source.js';
import { moduleSpecifier } from './imports.js';
import { kebabCase } from './names.js';
import type { GeneratedFile } from './output.js';

/** One runtime export and what its test skeleton lists. */
interface ExportPlan {
  readonly name: string;
  readonly kind: 'function' | 'class' | 'value';
  readonly todos: readonly string[];
}

/**
 * The `@throws` tags of a node's TSDoc, as one line each.
 *
 * @param node - A documented declaration.
 * @returns The text of each `@throws` tag, its `{Type}` included.
 */
export function throwsTags(node: ts.Node): string[] {
  return ts
    .getJSDocTags(node)
    .filter((tag) => tag.tagName.text === 'throws')
    .map((tag) => {
      // `@throws {RangeError} when …`: the braces hold the type, which the comment leaves out.
      const type =
        ts.isJSDocThrowsTag(tag) && tag.typeExpression ? tag.typeExpression.type.getText() : '';
      const text = ts.getTextOfJSDocComment(tag.comment) ?? '';
      return `${type} ${text}`.replace(/\s+/g, ' ').trim();
    });
}

function functionTodos(name: string, node: ts.Node): string[] {
  return [
    `${name}: does what its documentation says`,
    ...throwsTags(node).map((t) => `${name} throws ${t}`),
  ];
}

function planExports(source: ParsedSource): ExportPlan[] {
  const plans: ExportPlan[] = [];
  for (const statement of source.sourceFile.statements) {
    if (!isExported(statement)) continue;
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      if (!statement.body) continue; // an overload signature; the implementation follows
      plans.push({
        name: statement.name.text,
        kind: 'function',
        todos: functionTodos(statement.name.text, statement),
      });
    } else if (ts.isClassDeclaration(statement) && statement.name) {
      const className = statement.name.text;
      const todos = [
        `new ${className}(): constructs`,
        ...throwsTags(statement).map((t) => `new ${className}() throws ${t}`),
      ];
      for (const member of statement.members) {
        if (!ts.isMethodDeclaration(member) || !member.body) continue;
        const modifiers = ts.getModifiers(member) ?? [];
        if (
          modifiers.some(
            (m) =>
              m.kind === ts.SyntaxKind.PrivateKeyword || m.kind === ts.SyntaxKind.ProtectedKeyword,
          )
        )
          continue;
        if (ts.isPrivateIdentifier(member.name)) continue;
        todos.push(
          ...functionTodos(`${className}#${member.name.getText(source.sourceFile)}`, member),
        );
      }
      plans.push({ name: className, kind: 'class', todos });
    } else if (ts.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (!ts.isIdentifier(decl.name)) continue;
        const init = decl.initializer;
        const callable =
          init !== undefined && (ts.isArrowFunction(init) || ts.isFunctionExpression(init));
        plans.push({
          name: decl.name.text,
          kind: callable ? 'function' : 'value',
          todos: callable
            ? functionTodos(decl.name.text, statement)
            : [`${decl.name.text}: holds the documented value`],
        });
      }
    }
  }
  return plans;
}

const str = (text: string): string => JSON.stringify(text);

/**
 * Writes a test skeleton for a module (the seed's `auto_generate_tests`): one `describe` per
 * runtime export, importing the real module, with one real assertion that the export exists
 * and is of its kind, and one `it.todo` per function or public method and per documented
 * `@throws`. Never an assertion-free `it`.
 *
 * @param source - The parsed module to test.
 * @param outDir - The folder the test file goes into, for the import path.
 * @returns The `<module>.test.ts` file.
 */
export function generateTests(source: ParsedSource, outDir: string): GeneratedFile {
  const base = basename(source.path).replace(/\.(m|c)?tsx?$/, '');
  const path = `${kebabCase(base)}.test.ts`;
  const plans = planExports(source);
  const specifier = moduleSpecifier(`${outDir}/${path}`, source.path);
  const lines = [
    "import { describe, expect, it } from 'vitest';",
    plans.length > 0
      ? `import { ${plans
          .map((p) => p.name)
          .sort()
          .join(', ')} } from ${str(specifier)};`
      : `import ${str(specifier)};`,
    '',
  ];
  if (plans.length === 0) {
    lines.push(
      `describe(${str(base)}, () => {`,
      `  it.todo(${str(`${base}: has runtime exports to test`)});`,
      '});',
      '',
    );
  }
  for (const plan of plans) {
    const expected = plan.kind === 'value' ? 'undefined' : 'function';
    const assertion =
      plan.kind === 'value'
        ? `expect(${plan.name}).not.toBe(${expected});`
        : `expect(typeof ${plan.name}).toBe(${str(expected)});`;
    lines.push(
      `describe(${str(plan.name)}, () => {`,
      `  it(${str(`is exported as a ${plan.kind}`)}, () => {`,
      `    ${assertion}`,
      '  });',
      ...plan.todos.map((todo) => `  it.todo(${str(todo)});`),
      '});',
      '',
    );
  }
  return { path, content: lines.join('\n') };
}
