import ts from 'typescript';
import { isExported, lineOf, type ParsedSource } from '../source.js';

/** A TSDoc skeleton for one export that had none. */
export interface DocSkeleton {
  /** The export's name. */
  readonly name: string;
  /** Its 1-based line. */
  readonly line: number;
  /** The skeleton, indented like the declaration, ending in a newline. */
  readonly text: string;
  /** Where it goes in the file (the declaration's start, after its indentation). */
  readonly position: number;
}

function hasDoc(node: ts.Node): boolean {
  return ts.getJSDocCommentsAndTags(node).some(ts.isJSDoc);
}

/**
 * What a function body throws: `FoundationError 3204`-style names where they can be read.
 *
 * @param body - The function body, or undefined for a declaration without one.
 * @param sf - The module, for the text of the thrown expressions.
 * @returns What it throws, each once, in the order found.
 */
export function thrownInBody(body: ts.Node | undefined, sf: ts.SourceFile): string[] {
  const found = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (node !== body && ts.isFunctionLike(node)) return; // a nested function throws for itself
    if (ts.isThrowStatement(node) && ts.isNewExpression(node.expression)) {
      const name = node.expression.expression.getText(sf);
      const first = node.expression.arguments?.[0];
      found.add(
        first && ts.isStringLiteral(first) && name === 'FoundationError'
          ? `${name} (\`${first.text}\`)`
          : name,
      );
    }
    ts.forEachChild(node, visit);
  };
  if (body) visit(body);
  return [...found];
}

function paramsOf(node: ts.Node): readonly ts.ParameterDeclaration[] {
  if (ts.isFunctionDeclaration(node) || ts.isMethodDeclaration(node)) return node.parameters;
  if (ts.isVariableStatement(node)) {
    const init = node.declarationList.declarations[0]?.initializer;
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return init.parameters;
  }
  return [];
}

function bodyOf(node: ts.Node): ts.Node | undefined {
  if (ts.isFunctionDeclaration(node)) return node.body;
  if (ts.isVariableStatement(node)) {
    const init = node.declarationList.declarations[0]?.initializer;
    if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return init.body;
  }
  return undefined;
}

function returnsValue(node: ts.Node): boolean {
  let type: ts.TypeNode | undefined;
  if (ts.isFunctionDeclaration(node)) type = node.type;
  else if (ts.isVariableStatement(node)) {
    const init = node.declarationList.declarations[0]?.initializer;
    if (!init || !(ts.isArrowFunction(init) || ts.isFunctionExpression(init))) return false;
    type = init.type;
    if (!type) return true;
  } else return false;
  return type?.kind !== ts.SyntaxKind.VoidKeyword;
}

function nameOf(node: ts.Statement): string | undefined {
  if (ts.isVariableStatement(node)) {
    const decl = node.declarationList.declarations[0];
    return decl && ts.isIdentifier(decl.name) ? decl.name.text : undefined;
  }
  const named = node as ts.Statement & { name?: ts.Node };
  return named.name && ts.isIdentifier(named.name) ? named.name.text : undefined;
}

/**
 * Builds a TSDoc skeleton for every export of a module that has none (the seed's
 * `generate_documentation`): a summary to write, `@param` per parameter, `@returns` when the
 * function returns something, `@throws` for what its body throws, and an `@example`
 * placeholder marked as such.
 *
 * @param source - The parsed module.
 * @returns One skeleton per undocumented export, with its name and line.
 */
export function docSkeletons(source: ParsedSource): DocSkeleton[] {
  const sf = source.sourceFile;
  const skeletons: DocSkeleton[] = [];
  for (const statement of sf.statements) {
    // `export { a }` and `export default a` carry no export modifier, so they end here too.
    if (!isExported(statement) || hasDoc(statement)) continue;
    const name = nameOf(statement);
    if (!name) continue;
    const start = statement.getStart(sf);
    const lineStart = sf.getPositionOfLineAndCharacter(
      sf.getLineAndCharacterOfPosition(start).line,
      0,
    );
    const indent = sf.text.slice(lineStart, start).replace(/\S.*$/, '');
    const callable = paramsOf(statement).length > 0 || bodyOf(statement) !== undefined;
    const lines = [`(to be written) What \`${name}\` is for.`];
    if (callable) {
      lines.push('');
      for (const p of paramsOf(statement))
        lines.push(`@param ${p.name.getText(sf)} - (to be written)`);
      if (returnsValue(statement)) lines.push('@returns (to be written)');
      for (const thrown of thrownInBody(bodyOf(statement), sf))
        lines.push(`@throws ${thrown} (to be written: when)`);
      lines.push(
        '@example',
        '```ts',
        `// placeholder: replace with a runnable example of ${name}`,
        '```',
      );
    }
    const text = [
      `${indent}/**`,
      ...lines.map((l) => `${indent} *${l ? ` ${l}` : ''}`),
      `${indent} */`,
      '',
    ].join('\n');
    skeletons.push({
      name,
      line: lineOf(statement, sf),
      text: text.slice(indent.length) + indent,
      position: start,
    });
  }
  return skeletons;
}

/**
 * The module's text with every skeleton inserted in place; the rest is left as it was.
 *
 * @param text - The module text the skeletons were built from.
 * @param skeletons - The skeletons, from `docSkeletons` on that text.
 * @returns The text with each skeleton above its export, the rest unchanged.
 */
export function insertDocs(text: string, skeletons: readonly DocSkeleton[]): string {
  let result = text;
  for (const skeleton of [...skeletons].sort((a, b) => b.position - a.position)) {
    result = result.slice(0, skeleton.position) + skeleton.text + result.slice(skeleton.position);
  }
  return result;
}
