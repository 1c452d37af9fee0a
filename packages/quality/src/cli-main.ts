import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FoundationError } from '@foundation/errors';
import { recordResolvedBaseline } from './baseline.js';
import { loadQualityConfig } from './config/load.js';
import { qualityError } from './errors.js';
import { writeApiReports } from './gates/api.js';
import { runResolvedLevels } from './levels.js';
import { resolvePackageDirs } from './packages.js';
import { renderConsole, renderLevelsConsole } from './reports/console.js';
import { formatMs } from './reports/format.js';
import { parseReportFormats, writeReports } from './reports/write.js';
import { runResolvedGates } from './runner.js';

/** Where the CLI writes and what it runs in. */
export interface CliIo {
  /** Writes to standard output. */
  readonly stdout: (text: string) => void;
  /** Writes to standard error (progress and errors). */
  readonly stderr: (text: string) => void;
  /** Whether standard output is a terminal (colours on). */
  readonly isTTY?: boolean;
  /** The working directory (default `process.cwd()`). */
  readonly cwd?: string;
  /** Cancels the run. */
  readonly signal?: AbortSignal;
}

/** The CLI's usage text. */
export const USAGE = `Usage: foundation-quality <command> [options]

Commands:
  gates        run the quality gates and write the reports
  baseline     run the benchmarks and store them as the performance baseline
  levels       run the test levels (unit, integration, contract, performance, chaos)
  api-report   write the API reports afresh (after a reviewed API change)

Options:
  --config <file>    quality.config.ts | .mjs | .js | .json (default: found in the cwd)
  --only <a,b>       gates: only these gates; levels: only these levels
  --report <list>    gates: console,json,md,html (default console)
  --out <dir>        gates: where file reports go (default quality-report)
  --bail             levels: stop at the first failing level
  --help             this text

Exit codes: 0 passed, 1 a gate or level failed, 2 bad input (nothing was reported as complete).
`;

const list = (value: string | undefined): string[] | undefined =>
  value === undefined
    ? undefined
    : value
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');

/**
 * Runs the `foundation-quality` command line and returns its exit code: 0 when everything
 * passed, 1 when a gate or level failed, 2 for bad input (a FoundationError is printed and
 * no report is written).
 *
 * @param argv - the arguments after the program name
 * @param io - output streams, terminal flag, working directory and cancellation
 * @returns the exit code
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (error) {
    const problem = FoundationError.is(error)
      ? `${error.codeName} (${error.code}): ${error.message}`
      : `unexpected error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`;
    io.stderr(`foundation-quality: ${problem}\n`);
    return 2;
  }
}

async function dispatch(argv: readonly string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        only: { type: 'string' },
        report: { type: 'string' },
        out: { type: 'string' },
        bail: { type: 'boolean' },
        help: { type: 'boolean' },
      },
    });
  } catch (cause) {
    throw qualityError(
      'quality_config_invalid',
      `bad arguments: ${(cause as Error).message}`,
      'See foundation-quality --help',
      { argv },
      cause,
    );
  }
  const { values, positionals } = parsed;
  const [command, ...extra] = positionals;
  if (values.help === true || command === undefined) {
    io.stdout(USAGE);
    return command === undefined && values.help !== true ? 2 : 0;
  }
  if (extra.length > 0) {
    throw qualityError(
      'quality_config_invalid',
      `unexpected arguments: ${extra.join(' ')}`,
      'See foundation-quality --help',
      { argv },
    );
  }
  const known = ['gates', 'baseline', 'levels', 'api-report'];
  if (!known.includes(command)) {
    throw qualityError(
      'quality_config_invalid',
      `unknown command '${command}'`,
      `Use one of ${known.join(', ')}`,
      { command },
    );
  }
  const cwd = io.cwd ?? process.cwd();
  const formats = parseReportFormats(values.report ?? 'console');
  const { config, rootDir } = await loadQualityConfig(values.config, cwd);
  const signal = io.signal;
  const color = io.isTTY === true;
  switch (command) {
    case 'gates': {
      const only = list(values.only);
      const report = await runResolvedGates(config, rootDir, {
        only,
        signal,
        onProgress: (event) => {
          if (event.phase === 'start')
            io.stderr(`[${event.index + 1}/${event.total}] ${event.gate} ...\n`);
          else
            io.stderr(
              `[${event.index + 1}/${event.total}] ${event.result.name} ${event.result.status} (${formatMs(event.result.durationMs)})\n`,
            );
        },
      });
      if (formats.includes('console')) io.stdout(`${renderConsole(report, { color })}\n`);
      const written = await writeReports(
        report,
        formats,
        resolve(cwd, values.out ?? 'quality-report'),
      );
      for (const file of written) io.stderr(`wrote ${file}\n`);
      return report.verdict === 'passed' ? 0 : 1;
    }
    case 'levels': {
      const only = list(values.only);
      const report = await runResolvedLevels(config, rootDir, {
        only,
        bail: values.bail,
        signal,
        onStart: (level, index, total) => {
          io.stderr(`[${index + 1}/${total}] ${level} ...\n`);
        },
        onEnd: (result, index, total) => {
          io.stderr(
            `[${index + 1}/${total}] ${result.name} ${result.status} (${formatMs(result.durationMs)})\n`,
          );
        },
      });
      io.stdout(`${renderLevelsConsole(report, { color })}\n`);
      return report.verdict === 'passed' ? 0 : 1;
    }
    case 'baseline': {
      io.stderr('running the benchmarks for the baseline ...\n');
      const { baseline, file } = await recordResolvedBaseline(config, rootDir, { signal });
      const cases = baseline.suites.reduce((n, s) => n + s.cases.length, 0);
      io.stdout(`baseline written to ${file}: ${baseline.suites.length} suites, ${cases} cases\n`);
      return 0;
    }
    default: {
      const api = config.gates.api;
      if (api === undefined) {
        throw qualityError(
          'quality_config_invalid',
          'gates.api is not configured',
          'Add gates.api: {} to the quality config',
          { path: 'gates.api' },
        );
      }
      const written = await writeApiReports(
        { rootDir, packageDirs: resolvePackageDirs(rootDir, config.packages) },
        api,
      );
      io.stdout(`${written.map((f) => `wrote ${f}`).join('\n')}\n`);
      return 0;
    }
  }
}
