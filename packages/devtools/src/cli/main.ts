import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import { isFoundationError } from '@foundation/errors';
import { changedSinceMergeBase } from '../check/changed.js';
import { PHASE_IDS, planPhases } from '../check/phases.js';
import { readProject } from '../check/project.js';
import { parseOnly, runCheck } from '../check/run-check.js';
import { inputError } from '../codes.js';
import { describeError } from '../describe-error.js';
import { generateContract } from '../generate/contract.js';
import { docSkeletons, insertDocs } from '../generate/docs.js';
import { generateImpl } from '../generate/impl.js';
import { checkIdentifier } from '../generate/names.js';
import { resolveOutDir, writeGenerated, type GeneratedFile } from '../generate/output.js';
import { generateService } from '../generate/service.js';
import { generateTests } from '../generate/tests.js';
import { parseSourceFile } from '../source.js';
import { suggest } from '../suggest/suggest.js';
import { checkSummary, findingLines, phaseLine } from './format.js';
import { Progress, type CliIo } from './io.js';

/** The kinds `generate` makes. */
export const GENERATE_KINDS = ['service', 'contract', 'impl', 'tests', 'docs'] as const;

/** Exit code for bad input (unknown kind, invalid name, unreadable source, …). */
export const EXIT_BAD_INPUT = 2;

interface GenerateFlags {
  readonly from?: string;
  readonly out?: string;
  readonly dryRun?: boolean;
  readonly force?: boolean;
  readonly write?: boolean;
  readonly json?: boolean;
}

function splitFrom(
  from: string | undefined,
  kind: string,
  needsName: boolean,
): { file: string; name?: string } {
  if (from === undefined) throw inputError('--from', `is required for 'generate ${kind}'`);
  const hash = from.lastIndexOf('#');
  if (hash === -1) {
    if (needsName) throw inputError('--from', `'${from}' must be <file.ts#InterfaceName>`);
    return { file: from };
  }
  return { file: from.slice(0, hash), name: checkIdentifier(from.slice(hash + 1), '--from') };
}

function requireName(name: string | undefined, kind: string): string {
  if (name === undefined) throw inputError('name', `is required for 'generate ${kind}'`);
  return checkIdentifier(name, 'name');
}

async function generate(
  kind: string,
  name: string | undefined,
  flags: GenerateFlags,
  io: CliIo,
): Promise<number> {
  if (!(GENERATE_KINDS as readonly string[]).includes(kind)) {
    throw inputError('kind', `unknown kind '${kind}' (kinds: ${GENERATE_KINDS.join(', ')})`);
  }
  const outDir = resolveOutDir(io.cwd, flags.out);
  let files: GeneratedFile[];
  if (kind === 'docs') return docs(flags, io);
  if (kind === 'service') {
    files = generateService(requireName(name, kind));
  } else if (kind === 'contract') {
    const contractName = requireName(name, kind);
    const from = flags.from === undefined ? undefined : splitFrom(flags.from, kind, false);
    const source = from ? parseSourceFile(from.file, io.cwd) : undefined;
    files = [
      generateContract({ name: from?.name ?? contractName, ...(source && { source }), outDir }),
    ];
  } else if (kind === 'impl') {
    const className = requireName(name, kind);
    const from = splitFrom(flags.from, kind, true);
    const source = parseSourceFile(from.file, io.cwd);
    files = [generateImpl({ source, interfaceName: from.name!, className, outDir })];
  } else {
    const from = splitFrom(flags.from, kind, false);
    files = [generateTests(parseSourceFile(from.file, io.cwd), outDir)];
  }
  const written = await writeGenerated(files, {
    cwd: io.cwd,
    out: outDir,
    force: flags.force === true,
    dryRun: flags.dryRun === true,
  });
  if (flags.json === true) {
    io.stdout(
      `${JSON.stringify({ kind, files: written.map(({ path, action }) => ({ path, action })) }, null, 2)}\n`,
    );
    return 0;
  }
  for (const file of written) {
    io.stdout(`${file.action} ${file.path}\n`);
    if (flags.dryRun === true) io.stdout(`${file.content}\n`);
  }
  return 0;
}

function docs(flags: GenerateFlags, io: CliIo): number {
  const { file } = splitFrom(flags.from, 'docs', false);
  const source = parseSourceFile(file, io.cwd);
  const skeletons = docSkeletons(source);
  const write = flags.write === true && flags.dryRun !== true && skeletons.length > 0;
  if (write) writeFileSync(source.path, insertDocs(readFileSync(source.path, 'utf8'), skeletons));
  if (flags.json === true) {
    io.stdout(
      `${JSON.stringify({ file: source.path, written: write, skeletons: skeletons.map(({ name, line, text }) => ({ name, line, text })) }, null, 2)}\n`,
    );
    return 0;
  }
  for (const s of skeletons) io.stdout(`${file}:${s.line} ${s.name}\n${s.text.trimEnd()}\n\n`);
  io.stdout(
    `${skeletons.length} export${skeletons.length === 1 ? '' : 's'} without TSDoc${write ? `; skeletons inserted into ${file}` : ''}\n`,
  );
  return 0;
}

interface CheckFlags {
  readonly only?: string;
  readonly bail: boolean;
  readonly changed?: boolean;
  readonly json?: boolean;
  readonly root?: string;
}

async function check(flags: CheckFlags, io: CliIo): Promise<number> {
  const only = flags.only === undefined ? undefined : parseOnly(flags.only);
  const root = resolve(io.cwd, flags.root ?? '.');
  const project = readProject(root);
  const changed = flags.changed === true ? changedSinceMergeBase(root) : undefined;
  const planned = planPhases(project, changed ? { changed } : {});
  const json = flags.json === true;
  const progress = new Progress(io);
  try {
    const report = await runCheck(planned, {
      ...(only && { only }),
      bail: flags.bail,
      ...(!json && {
        onPhaseStart: (phase) => {
          progress.start(phase.title);
        },
        onPhaseEnd: (result) => {
          progress.stop();
          io.stdout(phaseLine(result, io));
        },
      }),
    });
    io.stdout(json ? `${JSON.stringify(report, null, 2)}\n` : checkSummary(report, io));
    return report.ok ? 0 : 1;
  } finally {
    progress.stop();
  }
}

function runSuggest(paths: readonly string[], flags: { json?: boolean }, io: CliIo): number {
  const findings = suggest(paths, io.cwd);
  io.stdout(
    flags.json === true ? `${JSON.stringify({ findings }, null, 2)}\n` : findingLines(findings, io),
  );
  return findings.length === 0 ? 0 : 1;
}

/** Builds the `foundation-dev` program; `setExit` receives each command's exit code. */
function buildProgram(io: CliIo, setExit: (code: number) => void): Command {
  const program = new Command('foundation-dev')
    .description(
      'Foundation devtools: the dev-check pipeline, generators that read TypeScript, and error-handling suggestions',
    )
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError();
  program
    .command('check')
    .description(
      'run the dev pipeline: format, lint, type check, smoke tests, unit tests (timed, fail-fast)',
    )
    .addOption(
      new Option(
        '--only <phases>',
        `run only these phases, comma-separated (${PHASE_IDS.join(', ')})`,
      ),
    )
    .option('--bail', 'stop at the first failing phase (the default)', true)
    .option('--no-bail', 'run every phase even after a failure')
    .option(
      '--changed',
      'lint and test only files changed since the merge base, where the tools allow',
    )
    .option('--root <dir>', 'the project root (default: the working directory)')
    .option('--json', 'print the report as JSON')
    .action(async (flags: CheckFlags) => {
      setExit(await check(flags, io));
    });
  program
    .command('generate')
    .description(`generate code: ${GENERATE_KINDS.join(', ')}`)
    .argument('<kind>', GENERATE_KINDS.join(' | '))
    .argument('[name]', 'the identifier to generate (service, contract and impl)')
    .option(
      '--from <source>',
      'the module to read: file.ts, or file.ts#InterfaceName for impl and contract',
    )
    .option(
      '--out <dir>',
      'the output folder (relative ones must stay inside the working directory)',
    )
    .option('--dry-run', 'show what would be written, and write nothing')
    .option('--force', 'overwrite files that exist')
    .option('--write', 'docs: insert the TSDoc skeletons into the module')
    .option('--json', 'print what was written as JSON')
    .action(async (kind: string, name: string | undefined, flags: GenerateFlags) => {
      setExit(await generate(kind, name, flags, io));
    });
  program
    .command('suggest')
    .description('report error-handling problems with file:line and a proposed rewrite')
    .argument('<paths...>', 'TypeScript files or folders')
    .option('--json', 'print the findings as JSON')
    .action((paths: string[], flags: { json?: boolean }) => {
      setExit(runSuggest(paths, flags, io));
    });
  return program;
}

/**
 * Runs `foundation-dev` with `argv` (the arguments after the program name) and returns the exit
 * code: 0 on success, 1 when a check or a suggestion fails, 2 on bad input (nothing written).
 *
 * @param argv - The command and its options without `node` and the script, such as
 *   `['generate', 'service', 'payments', '--dry-run']`.
 * @param io - Where output and errors are written, the working directory that relative paths
 *   resolve against, and whether colours and the spinner are shown.
 * @returns The exit code, 0, 1 or 2; usage errors and failures are written to `io.stderr`,
 *   never thrown.
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let exitCode = 0;
  const program = buildProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are successes; every usage error is bad input.
      return error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
    }
    if (isFoundationError(error) && error.codeName === 'invalid_input') {
      io.stderr(`foundation-dev: ${error.message}\n`);
      return EXIT_BAD_INPUT;
    }
    io.stderr(`foundation-dev: ${describeError(error)}\n`);
    return 1;
  }
}
