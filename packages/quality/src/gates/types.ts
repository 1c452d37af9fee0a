import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type * as TS from 'typescript';
import type { ResolvedGates } from '../config/validate.js';
import { qualityError } from '../errors.js';
import type { Evidence, Gate, GateOutcome } from '../model.js';
import { relativePath } from '../packages.js';
import { loadTypeScript, type TypeScriptApi } from '../tools.js';
import { capEvidence } from './outcome.js';

type TypesOptions = NonNullable<ResolvedGates['types']>;

/** Most diagnostics listed as evidence; the count covers them all. */
const MAX_EVIDENCE = 50;

/** Type-checks one tsconfig project and returns its error diagnostics as evidence. */
export function checkProject(
  ts: TypeScriptApi,
  tsconfig: string,
  rootDir: string,
  reuse: { program?: TS.Program } = {},
): Evidence[] {
  const host = ts.sys;
  const read = ts.readConfigFile(tsconfig, (path) => host.readFile(path));
  const parsed = read.error
    ? undefined
    : ts.parseJsonConfigFileContent(read.config, host, dirname(tsconfig), undefined, tsconfig);
  const diagnostics = read.error
    ? [read.error]
    : parsed!.errors.length > 0
      ? parsed!.errors
      : ts.getPreEmitDiagnostics(
          (reuse.program = ts.createProgram({
            rootNames: parsed!.fileNames,
            options: { ...parsed!.options, noEmit: true },
            ...(parsed!.projectReferences ? { projectReferences: parsed!.projectReferences } : {}),
            // Projects of one repository share lib and @types files: reusing the previous
            // program's unchanged source files saves parsing them again for every project.
            ...(reuse.program ? { oldProgram: reuse.program } : {}),
          })),
        );
  return diagnostics
    .filter((d) => d.category === ts.DiagnosticCategory.Error)
    .map((d) => {
      const message = `TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      if (d.file === undefined || d.start === undefined) {
        return { message, file: relativePath(rootDir, tsconfig) };
      }
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      return { message, file: relativePath(rootDir, d.file.fileName), line: line + 1 };
    });
}

/** The types gate: zero type errors (by default) in every project, read with the compiler API. */
export function typesGate(options: TypesOptions): Gate {
  return {
    name: 'types',
    async run(context): Promise<GateOutcome> {
      const ts = await loadTypeScript(context.rootDir);
      const projects =
        options.projects?.map((p) => resolve(context.rootDir, p)) ??
        context.packageDirs.map((dir) => join(dir, 'tsconfig.json')).filter((p) => existsSync(p));
      const threshold = `<= ${options.maxErrors} type errors`;
      if (projects.length === 0) {
        return {
          status: 'skipped',
          threshold,
          measured: 'no projects',
          reason: 'no tsconfig.json found',
          evidence: [],
        };
      }
      const errors: Evidence[] = [];
      const reuse = {};
      for (const project of projects) {
        if (!existsSync(project)) {
          throw qualityError(
            'quality_input_unreadable',
            `${relativePath(context.rootDir, project)} does not exist`,
            'Fix gates.types.projects in the quality config',
            { file: project },
          );
        }
        errors.push(...checkProject(ts, project, context.rootDir, reuse));
      }
      const failed = errors.length > options.maxErrors;
      return {
        status: failed ? 'failed' : 'passed',
        threshold,
        measured: `${errors.length} type errors in ${projects.length} projects`,
        value: errors.length,
        ...(failed ? { reason: `${errors.length} type errors` } : {}),
        evidence: capEvidence(errors, MAX_EVIDENCE),
      };
    },
  };
}
