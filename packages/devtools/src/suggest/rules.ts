import ts from 'typescript';

/** How serious a finding is. */
export type Severity = 'error' | 'warning' | 'info';

/** The rules `suggest` applies. */
export const SUGGEST_RULES = {
  'throw-non-error': { severity: 'error', summary: 'throw of a value that is not an Error' },
  'throw-plain-error': {
    severity: 'warning',
    summary: 'throw of a plain Error where a FoundationError code fits',
  },
  'swallowed-catch': {
    severity: 'warning',
    summary: 'catch block that swallows the error (empty, or only logs)',
  },
  'floating-promise': {
    severity: 'warning',
    summary: 'promise neither awaited, returned nor handled',
  },
  'unguarded-json-parse': {
    severity: 'warning',
    summary: 'JSON.parse of outside input without a guard',
  },
  'async-without-signal': {
    severity: 'info',
    summary: 'async function waits on I/O but takes no AbortSignal',
  },
  'rethrow-without-cause': { severity: 'warning', summary: 'error rethrown without its cause' },
  'process-exit-in-library': { severity: 'error', summary: 'process.exit in library code' },
} as const satisfies Record<string, { severity: Severity; summary: string }>;

/** A rule's id. */
export type RuleId = keyof typeof SUGGEST_RULES;

/** One problem `suggest` found. */
export interface Finding {
  /** The rule broken. */
  readonly rule: RuleId;
  /** How serious it is. */
  readonly severity: Severity;
  /** The file, as given or found. */
  readonly file: string;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column. */
  readonly column: number;
  /** What is wrong, with the code concerned. */
  readonly message: string;
  /** The proposed rewrite, using Foundation's API. */
  readonly suggestion: string;
}

/** What the rules see of a module. */
export interface RuleInput {
  readonly sourceFile: ts.SourceFile;
  readonly file: string;
  /** The type checker, when the module is part of a program (floating promises need it). */
  readonly checker?: ts.TypeChecker;
}

const LOGGING =
  /^(?:console|logger|log|this\.logger|this\.log)\.(?:log|info|warn|error|debug|trace)$/;
const IO_CALLS = new Set([
  'fetch',
  'readFile',
  'writeFile',
  'appendFile',
  'readdir',
  'stat',
  'lstat',
  'mkdir',
  'rm',
  'unlink',
  'rename',
  'copyFile',
  'open',
  'access',
]);

function short(node: ts.Node, sf: ts.SourceFile, max = 60): string {
  const text = node.getText(sf).replace(/\s+/g, ' ');
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function insideTry(node: ts.Node): boolean {
  for (let current = node; ; current = current.parent) {
    const parent = current.parent as ts.Node | undefined;
    if (!parent) return false;
    if (ts.isTryStatement(parent) && parent.tryBlock === current) return true;
    // Inside a callback handed to tryCatch / fromPromise / safeParse-style guards.
    if (
      ts.isCallExpression(parent) &&
      /(?:tryCatch|fromPromise|safe\w*)$/.test(parent.expression.getText())
    )
      return true;
    if (ts.isFunctionLike(current) && !ts.isArrowFunction(current)) return false;
  }
  return false;
}

/**
 * True when `node` sits in a function given as a default the caller can replace (`options.exit
 * ?? (() => process.exit())`, or a parameter's default): the library lets the application
 * decide, which is what the rule asks for.
 */
function isOverridableDefault(node: ts.Node): boolean {
  // `parent` is typed as always present; at the source file it is not.
  const up = (n: ts.Node | undefined): ts.Node | undefined => n?.parent;
  let fn = up(node);
  while (fn !== undefined && !ts.isFunctionLike(fn)) fn = up(fn);
  let holder = up(fn);
  while (holder !== undefined && ts.isParenthesizedExpression(holder)) holder = up(holder);
  if (holder === undefined) return false;
  if (ts.isParameter(holder)) return true;
  return (
    ts.isBinaryExpression(holder) &&
    (holder.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ||
      holder.operatorToken.kind === ts.SyntaxKind.BarBarToken)
  );
}

function hasComment(block: ts.Block, sf: ts.SourceFile): boolean {
  const inner = sf.text.slice(block.getStart(sf) + 1, block.getEnd() - 1);
  return /\/\/|\/\*/.test(inner);
}

function isPromiseLike(type: ts.Type, checker: ts.TypeChecker): boolean {
  if (type.isUnion()) return type.types.some((t) => isPromiseLike(t, checker));
  const then = checker.getPropertyOfType(type, 'then');
  return (
    then !== undefined &&
    (type.getSymbol()?.getName() === 'Promise' ||
      checker.getTypeOfSymbol(then).getCallSignatures().length > 0)
  );
}

function isLibraryFile(sf: ts.SourceFile, file: string): boolean {
  if (sf.text.startsWith('#!')) return false;
  return (
    !/(?:^|[/\\])(?:cli|bin|scripts?)(?:[/\\.]|$)/.test(file) &&
    !/(?:^|[/\\])(?:bench|test)s?[/\\]/.test(file)
  );
}

/**
 * Applies every rule to one module, in source order.
 *
 * @param input - The module, its path for the findings, and the type checker (without one, floating promises are not looked for).
 * @returns The findings, in source order.
 */
export function applyRules(input: RuleInput): Finding[] {
  const { sourceFile: sf, file, checker } = input;
  const findings: Finding[] = [];
  const report = (rule: RuleId, node: ts.Node, message: string, suggestion: string): void => {
    const { line, character } = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    findings.push({
      rule,
      severity: SUGGEST_RULES[rule].severity,
      file,
      line: line + 1,
      column: character + 1,
      message,
      suggestion,
    });
  };
  const library = isLibraryFile(sf, file);
  const visit = (node: ts.Node): void => {
    if (ts.isThrowStatement(node)) checkThrow(node);
    if (ts.isCatchClause(node)) checkCatch(node);
    if (ts.isExpressionStatement(node) && checker) checkFloating(node, checker);
    if (ts.isCallExpression(node)) checkCall(node);
    if (
      ts.isFunctionLike(node) &&
      (ts.getModifiers(node as ts.HasModifiers) ?? []).some(
        (m) => m.kind === ts.SyntaxKind.AsyncKeyword,
      )
    )
      checkAsync(node as ts.FunctionLikeDeclaration);
    ts.forEachChild(node, visit);
  };
  const checkThrow = (node: ts.ThrowStatement): void => {
    const e = node.expression;
    if (
      ts.isStringLiteral(e) ||
      ts.isNoSubstitutionTemplateLiteral(e) ||
      ts.isTemplateExpression(e) ||
      ts.isNumericLiteral(e) ||
      ts.isObjectLiteralExpression(e) ||
      ts.isArrayLiteralExpression(e) ||
      e.kind === ts.SyntaxKind.NullKeyword ||
      e.kind === ts.SyntaxKind.UndefinedKeyword
    ) {
      report(
        'throw-non-error',
        node,
        `\`${short(node, sf)}\` throws a value without a stack or code`,
        `throw new FoundationError('invalid_input', ${short(e, sf, 40)}, { context: { path, rule } })`,
      );
      return;
    }
    // A plain Error thrown inside a try block is caught right there and converted; TypeError and
    // RangeError name a programmer's mistake and are left alone.
    if (
      ts.isNewExpression(e) &&
      ts.isIdentifier(e.expression) &&
      e.expression.text === 'Error' &&
      !insideTry(node)
    ) {
      const message = e.arguments?.[0] ? short(e.arguments[0], sf, 40) : "'…'";
      report(
        'throw-plain-error',
        node,
        `\`${short(node, sf)}\` carries no code, category or retry hint`,
        `throw new FoundationError('<registered code, e.g. invalid_input>', ${message}, { context: { … } })`,
      );
    }
  };
  const checkCatch = (node: ts.CatchClause): void => {
    const statements = node.block.statements;
    const onlyLogs =
      statements.length > 0 &&
      statements.every(
        (s) =>
          ts.isExpressionStatement(s) &&
          ts.isCallExpression(s.expression) &&
          LOGGING.test(s.expression.expression.getText(sf)),
      );
    if ((statements.length === 0 && !hasComment(node.block, sf)) || onlyLogs) {
      report(
        'swallowed-catch',
        node,
        statements.length === 0
          ? 'empty catch block: the error vanishes'
          : 'catch block only logs: the caller never learns of the failure',
        'rethrow with context (`throw wrap(error, code, message)`), return `err(toFoundationError(error))`, or say in a comment why ignoring it is right',
      );
    }
    const name = node.variableDeclaration?.name;
    if (!name || !ts.isIdentifier(name)) return;
    const visitThrow = (inner: ts.Node): void => {
      if (ts.isFunctionLike(inner)) return;
      if (ts.isThrowStatement(inner) && ts.isNewExpression(inner.expression)) {
        const used = (n: ts.Node): boolean =>
          (ts.isIdentifier(n) && n.text === name.text) || (ts.forEachChild(n, used) ?? false);
        if (!used(inner.expression)) {
          report(
            'rethrow-without-cause',
            inner,
            `\`${short(inner, sf)}\` drops the caught \`${name.text}\``,
            `throw wrap(${name.text}, '<code>', '…') — or pass { cause: ${name.text} }`,
          );
        }
      }
      ts.forEachChild(inner, visitThrow);
    };
    visitThrow(node.block);
  };
  const checkFloating = (node: ts.ExpressionStatement, typeChecker: ts.TypeChecker): void => {
    let e = node.expression;
    if (ts.isVoidExpression(e) || ts.isAwaitExpression(e)) return;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    if (!ts.isCallExpression(e)) return;
    const callee = e.expression;
    if (
      ts.isPropertyAccessExpression(callee) &&
      ['catch', 'then'].includes(callee.name.text) &&
      (callee.name.text === 'catch' || e.arguments.length >= 2)
    )
      return;
    if (isPromiseLike(typeChecker.getTypeAtLocation(e), typeChecker)) {
      report(
        'floating-promise',
        node,
        `\`${short(e, sf)}\` returns a promise nobody awaits: its rejection is unhandled`,
        `await it, return it, or handle it: \`void fromPromise(${short(e, sf, 30)}).then(…)\``,
      );
    }
  };
  const checkCall = (node: ts.CallExpression): void => {
    const callee = node.expression.getText(sf);
    if (callee === 'JSON.parse' && !insideTry(node)) {
      report(
        'unguarded-json-parse',
        node,
        `\`${short(node, sf)}\` throws a SyntaxError on malformed input`,
        `tryCatch(() => ${short(node, sf, 40)}, 'deserialization_failed') and handle the err`,
      );
    }
    if (library && callee === 'process.exit' && !isOverridableDefault(node)) {
      report(
        'process-exit-in-library',
        node,
        `\`${short(node, sf)}\` ends the whole process from library code`,
        'throw a FoundationError (or return err(...)) and let the application decide; a CLI sets process.exitCode',
      );
    }
  };
  const checkAsync = (node: ts.FunctionLikeDeclaration): void => {
    if (!node.body) return;
    const takesSignal = node.parameters.some((p) =>
      /signal|AbortSignal|options|opts/i.test(p.getText(sf)),
    );
    // A closure may use a signal from the function around it.
    if (takesSignal || /\bsignal\b/i.test(node.body.getText(sf))) return;
    let io: ts.CallExpression | undefined;
    const find = (inner: ts.Node): void => {
      if (io || (inner !== node.body && ts.isFunctionLike(inner))) return;
      if (ts.isAwaitExpression(inner) && ts.isCallExpression(inner.expression)) {
        const callee = inner.expression.expression;
        const name = ts.isIdentifier(callee)
          ? callee.text
          : ts.isPropertyAccessExpression(callee)
            ? callee.name.text
            : '';
        if (IO_CALLS.has(name)) io = inner.expression;
      }
      ts.forEachChild(inner, find);
    };
    find(node.body);
    if (io) {
      report(
        'async-without-signal',
        node,
        `async function waits on \`${short(io, sf, 40)}\` but cannot be cancelled`,
        'take `{ signal }: { signal?: AbortSignal }` and pass it on (fetch(url, { signal }), readFile(path, { signal }))',
      );
    }
  };
  visit(sf);
  return findings;
}
