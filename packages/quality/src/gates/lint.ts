import { readFileSync } from 'node:fs';
import type { ResolvedGates } from '../config/validate.js';
import type { Evidence, Gate, GateOutcome } from '../model.js';
import { relativePath } from '../packages.js';
import { lintScore } from '../score.js';
import { loadEslint } from '../tools.js';
import { capEvidence } from './outcome.js';

type LintOptions = NonNullable<ResolvedGates['lint']>;

const MAX_EVIDENCE = 50;
const TOP_RULES = 5;

function countLines(path: string, source: string | undefined): number {
  // ESLint returns the source only for files with findings; the others were just read by it.
  const text = source ?? readFileSync(path, 'utf8');
  return text === '' ? 0 : text.split('\n').length;
}

/** The lint gate: ESLint's Node API with the project's own config, counts and a score. */
export function lintGate(options: LintOptions): Gate {
  return {
    name: 'lint',
    async run(context): Promise<GateOutcome> {
      const { ESLint } = await loadEslint(context.rootDir);
      const patterns =
        options.patterns ?? context.packageDirs.map((d) => relativePath(context.rootDir, d));
      const threshold = `<= ${options.maxErrors} errors, <= ${options.maxWarnings} warnings${
        options.minScore > 0 ? `, score >= ${options.minScore}` : ''
      }`;
      if (patterns.length === 0) {
        return {
          status: 'skipped',
          threshold,
          measured: 'nothing to lint',
          reason: 'no patterns and no packages',
          evidence: [],
        };
      }
      const eslint = new ESLint({ cwd: context.rootDir, errorOnUnmatchedPattern: false });
      const results = await eslint.lintFiles([...patterns]);
      let fatal = 0;
      let errors = 0;
      let warnings = 0;
      let lines = 0;
      const rules = new Map<string, number>();
      const evidence: Evidence[] = [];
      for (const result of results) {
        lines += countLines(result.filePath, result.source);
        for (const message of result.messages) {
          const rule = message.ruleId ?? (message.fatal === true ? 'parse-error' : 'eslint');
          if (message.fatal === true) fatal++;
          else if (message.severity === 2) errors++;
          else warnings++;
          rules.set(rule, (rules.get(rule) ?? 0) + 1);
          evidence.push({
            message: `${message.severity === 2 ? 'error' : 'warning'} ${rule}: ${message.message}`,
            file: relativePath(context.rootDir, result.filePath),
            ...(message.line === undefined ? {} : { line: message.line }),
            symbol: rule,
          });
        }
      }
      const score = lintScore({ fatal, errors, warnings, lines });
      const top = [...rules]
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
        .slice(0, TOP_RULES);
      const failed =
        fatal + errors > options.maxErrors ||
        warnings > options.maxWarnings ||
        score < options.minScore;
      return {
        status: failed ? 'failed' : 'passed',
        threshold,
        measured: `${fatal + errors} errors, ${warnings} warnings in ${results.length} files (${lines} lines); score ${score}`,
        value: score,
        ...(failed
          ? { reason: `${fatal + errors} errors, ${warnings} warnings, score ${score}` }
          : {}),
        evidence: [
          ...top.map(([rule, n]) => ({
            message: `top rule: ${rule} (${n} findings)`,
            symbol: rule,
          })),
          ...capEvidence(evidence, MAX_EVIDENCE),
        ],
      };
    },
  };
}
