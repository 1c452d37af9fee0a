import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type * as TS from 'typescript';
import type { ResolvedGates } from '../config/validate.js';
import { qualityError } from '../errors.js';
import type { Gate, GateOutcome } from '../model.js';
import { packageName, relativePath } from '../packages.js';
import { loadTypeScript, type TypeScriptApi } from '../tools.js';
import { capEvidence, noPackagesOutcome } from './outcome.js';

type DocsOptions = NonNullable<ResolvedGates['docs']>;

const MAX_EVIDENCE = 100;

/** What the docs gate requires of each export. */
export interface DocsRules {
  /** A `@param` for each named parameter. */
  readonly requireParams: boolean;
  /** `@returns` where the function returns something. */
  readonly requireReturns: boolean;
  /** `@throws` where the body throws a FoundationError. */
  readonly requireThrows: boolean;
}

/** One documentation problem with an export. */
interface Finding {
  readonly symbol: string;
  readonly problem: string;
  readonly file: string;
  readonly line: number;
}

function functionLike(
  ts: TypeScriptApi,
  decl: TS.Declaration,
): TS.FunctionLikeDeclaration | undefined {
  if (ts.isFunctionDeclaration(decl)) return decl;
  if (ts.isVariableDeclaration(decl) && decl.initializer !== undefined) {
    const init = decl.initializer;
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
  }
  return undefined;
}

function tagNames(ts: TypeScriptApi, node: TS.Node): Set<string> {
  const names = new Set<string>();
  for (const tag of ts.getJSDocTags(node)) names.add(tag.tagName.text);
  return names;
}

function documentedParams(ts: TypeScriptApi, node: TS.Node): Set<string> {
  const names = new Set<string>();
  for (const tag of ts.getJSDocTags(node)) {
    if (ts.isJSDocParameterTag(tag)) names.add(tag.name.getText());
  }
  return names;
}

/** Whether `body` (not counting nested functions) throws a value typed FoundationError. */
function throwsFoundationError(ts: TypeScriptApi, checker: TS.TypeChecker, body: TS.Node): boolean {
  let found = false;
  const visit = (node: TS.Node): void => {
    if (found) return;
    if (node !== body && ts.isFunctionLike(node)) return;
    if (ts.isThrowStatement(node)) {
      const type = checker.getTypeAtLocation(node.expression);
      if (type.getSymbol()?.getName() === 'FoundationError') {
        found = true;
        return;
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(body);
  return found;
}

function returnsSomething(
  ts: TypeScriptApi,
  checker: TS.TypeChecker,
  decl: TS.SignatureDeclaration,
): boolean {
  const signature = checker.getSignatureFromDeclaration(decl);
  if (signature === undefined) return false;
  let type = checker.getReturnTypeOfSignature(signature);
  const symbol = type.getSymbol();
  if (symbol?.getName() === 'Promise') {
    const [inner] = checker.getTypeArguments(type as TS.TypeReference);
    if (inner !== undefined) type = inner;
  }
  const nothing = ts.TypeFlags.Void | ts.TypeFlags.Undefined | ts.TypeFlags.Never;
  return (type.flags & nothing) === 0;
}

/** The documentation findings of every export of one entry point. */
export function checkEntryDocs(
  ts: TypeScriptApi,
  program: TS.Program,
  entry: string,
  rules: DocsRules,
  rootDir: string,
): Finding[] {
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(entry);
  const moduleSymbol = source === undefined ? undefined : checker.getSymbolAtLocation(source);
  if (moduleSymbol === undefined) return [];
  const findings: Finding[] = [];
  for (const exported of checker.getExportsOfModule(moduleSymbol)) {
    const symbol =
      (exported.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getAliasedSymbol(exported) : exported;
    const declarations = symbol.getDeclarations() ?? [];
    const own = declarations.filter((d) => !d.getSourceFile().fileName.includes('/node_modules/'));
    const decl = own[0];
    if (decl === undefined) continue;
    const name = exported.getName();
    const where = (problem: string): Finding => {
      const file = decl.getSourceFile();
      return {
        symbol: name,
        problem,
        file: relativePath(rootDir, file.fileName),
        line: file.getLineAndCharacterOfPosition(decl.getStart()).line + 1,
      };
    };
    if (own.some((d) => tagNames(ts, d).has('internal'))) continue;
    const summary = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
    if (summary === '') {
      findings.push(where('has no TSDoc summary'));
      continue;
    }
    for (const d of own) {
      const fn = functionLike(ts, d);
      if (fn === undefined) continue;
      const docNode = ts.isVariableDeclaration(d) ? d.parent.parent : d;
      const params = documentedParams(ts, docNode);
      const tags = tagNames(ts, docNode);
      if (rules.requireParams) {
        for (const param of fn.parameters) {
          if (!ts.isIdentifier(param.name) || param.name.text === 'this') continue;
          if (!params.has(param.name.text))
            findings.push(where(`has no @param for '${param.name.text}'`));
        }
      }
      if (
        rules.requireReturns &&
        !tags.has('returns') &&
        !tags.has('return') &&
        returnsSomething(ts, checker, fn)
      ) {
        findings.push(where('returns a value but has no @returns'));
      }
      if (
        rules.requireThrows &&
        !tags.has('throws') &&
        fn.body !== undefined &&
        throwsFoundationError(ts, checker, fn.body)
      ) {
        findings.push(where('throws a FoundationError but has no @throws'));
      }
    }
  }
  return findings;
}

/** The docs gate: TSDoc on every export of every package entry point, read with the compiler API. */
export function docsGate(options: DocsOptions): Gate {
  return {
    name: 'docs',
    async run(context): Promise<GateOutcome> {
      const ts = await loadTypeScript(context.rootDir);
      const threshold = `<= ${options.maxUndocumented} undocumented (summary${
        options.requireParams ? ', @param' : ''
      }${options.requireReturns ? ', @returns' : ''}${options.requireThrows ? ', @throws' : ''})`;
      const entries = context.packageDirs.map((dir) => ({ dir, entry: join(dir, options.entry) }));
      if (entries.length === 0) return noPackagesOutcome(threshold);
      for (const { entry } of entries) {
        if (!existsSync(entry)) {
          throw qualityError(
            'quality_input_unreadable',
            `entry point ${relativePath(context.rootDir, entry)} does not exist`,
            'Set gates.docs.entry to the entry point inside each package',
            { file: entry },
          );
        }
      }
      const program = ts.createProgram({
        rootNames: entries.map((e) => e.entry),
        options: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          moduleResolution: ts.ModuleResolutionKind.Bundler,
          strict: true,
          skipLibCheck: true,
          noEmit: true,
          types: ['node'],
        },
      });
      const findings: Finding[] = [];
      for (const { dir, entry } of entries) {
        for (const finding of checkEntryDocs(ts, program, entry, options, context.rootDir)) {
          findings.push({ ...finding, symbol: `${packageName(dir)}: ${finding.symbol}` });
        }
      }
      findings.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
      const failed = findings.length > options.maxUndocumented;
      const evidence = capEvidence(
        findings.map((f) => ({
          message: `${f.symbol} ${f.problem}`,
          file: f.file,
          line: f.line,
          symbol: f.symbol,
        })),
        MAX_EVIDENCE,
      );
      return {
        status: failed ? 'failed' : 'passed',
        threshold,
        measured: `${findings.length} undocumented in ${entries.length} entry points`,
        value: findings.length,
        ...(failed ? { reason: `${findings.length} documentation findings` } : {}),
        evidence,
      };
    },
  };
}
