import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type * as ApiExtractor from '@microsoft/api-extractor';
import { pendingChangesets } from '../changesets.js';
import type { ResolvedGates } from '../config/validate.js';
import { qualityError } from '../errors.js';
import type { Evidence, Gate, GateContext, GateOutcome } from '../model.js';
import { packageName, relativePath } from '../packages.js';
import { noPackagesOutcome } from './outcome.js';

type ApiOptions = NonNullable<ResolvedGates['api']>;

/** Whether `@types/node` resolves from `dir` (declarations then may name Node's globals). */
function hasNodeTypes(dir: string): boolean {
  try {
    createRequire(join(dir, 'package.json')).resolve('@types/node/package.json');
    return true;
  } catch {
    return false;
  }
}

/** The report file name for a package: its unscoped name, as api-extractor names it. */
export function reportFileName(name: string): string {
  return `${name.replace(/^@[^/]+\//, '')}.api.md`;
}

// Committed reports are wrapped in these so a repository's prettier leaves them as generated.
const IGNORE_START = '<!-- prettier-ignore-start -->';
const IGNORE_END = '<!-- prettier-ignore-end -->';

function normalise(text: string): string {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  return (
    lines
      .filter((line) => line !== IGNORE_START && line !== IGNORE_END)
      .join('\n')
      .trim() + '\n'
  );
}

/**
 * Generates one package's API report with api-extractor into `outDir` and returns its text.
 *
 * @throws FoundationError 8103 (`quality_input_unreadable`) when the declaration entry is missing
 */
export async function generateApiReport(
  dir: string,
  options: ApiOptions,
  outDir: string,
  rootDir: string,
): Promise<string> {
  const entry = join(dir, options.entry);
  if (!existsSync(entry)) {
    throw qualityError(
      'quality_input_unreadable',
      `${relativePath(rootDir, entry)} does not exist`,
      'Build the package first (its declaration entry is what the API report is made from)',
      { file: relativePath(rootDir, entry) },
    );
  }
  const { Extractor, ExtractorConfig } =
    (await import('@microsoft/api-extractor')) as typeof ApiExtractor;
  const name = packageName(dir);
  const file = reportFileName(name);
  const config = ExtractorConfig.prepare({
    configObject: {
      projectFolder: dir,
      mainEntryPointFilePath: entry,
      compiler: {
        overrideTsconfig: {
          compilerOptions: {
            target: 'ES2022',
            // Declarations may name the explicit-resource-management types (AsyncDisposable).
            lib: ['ES2023', 'ESNext.Disposable'],
            ...(hasNodeTypes(dir) ? { types: ['node'] } : {}),
            module: 'ESNext',
            moduleResolution: 'Bundler',
            strict: true,
            skipLibCheck: true,
          },
          files: [entry],
        },
      },
      apiReport: {
        enabled: true,
        reportFileName: file,
        reportFolder: outDir,
        reportTempFolder: outDir,
      },
      docModel: { enabled: false },
      dtsRollup: { enabled: false },
      tsdocMetadata: { enabled: false },
    },
    configObjectFullPath: undefined,
    packageJsonFullPath: join(dir, 'package.json'),
  });
  await mkdir(outDir, { recursive: true });
  Extractor.invoke(config, {
    localBuild: true,
    messageCallback: (message) => {
      // The report is what we compare; api-extractor's own warnings are not this gate's verdict.
      message.handled = true;
    },
  });
  return normalise(readFileSync(join(outDir, file), 'utf8'));
}

/** A unified diff of two reports, trimmed for evidence. */
async function reportDiff(name: string, before: string, after: string): Promise<string> {
  const { createTwoFilesPatch } = await import('diff');
  const patch = createTwoFilesPatch(
    `${name} (committed)`,
    `${name} (working tree)`,
    before,
    after,
    '',
    '',
    {
      context: 2,
    },
  );
  const lines = patch.split('\n');
  return lines.length > 80
    ? [...lines.slice(0, 80), `... ${lines.length - 80} more lines`].join('\n')
    : patch;
}

/**
 * Writes the committed API reports afresh from each package's declarations (after a reviewed
 * API change).
 *
 * @returns the report files written, relative to the root
 */
export async function writeApiReports(
  context: Pick<GateContext, 'rootDir' | 'packageDirs'>,
  options: ApiOptions,
): Promise<string[]> {
  const reportDir = resolve(context.rootDir, options.reportDir);
  const written: string[] = [];
  for (const dir of context.packageDirs) {
    const text = await generateApiReport(dir, options, reportDir, context.rootDir);
    const file = join(reportDir, reportFileName(packageName(dir)));
    await writeFile(file, `${IGNORE_START}\n\n${text}\n${IGNORE_END}\n`);
    written.push(relativePath(context.rootDir, file));
  }
  return written;
}

/** The api gate: each package's API report against the committed one; changes need a changeset. */
export function apiGate(options: ApiOptions): Gate {
  return {
    name: 'api',
    async run(context): Promise<GateOutcome> {
      const threshold = 'no API change without a changeset naming the package';
      if (context.packageDirs.length === 0) return noPackagesOutcome(threshold);
      const reportDir = resolve(context.rootDir, options.reportDir);
      const changesets = pendingChangesets(resolve(context.rootDir, options.changesetDir));
      const scratch = mkdtempSync(join(tmpdir(), 'foundation-quality-api-'));
      const evidence: Evidence[] = [];
      let unexplained = 0;
      let changed = 0;
      try {
        for (const dir of context.packageDirs) {
          const name = packageName(dir);
          const file = reportFileName(name);
          const committedPath = join(reportDir, file);
          const shown = relativePath(context.rootDir, committedPath);
          const current = await generateApiReport(
            dir,
            options,
            join(scratch, name.replace(/[/@]/g, '_')),
            context.rootDir,
          );
          if (!existsSync(committedPath)) {
            unexplained++;
            evidence.push({
              message: `${name} has no committed API report; run \`foundation-quality api-report\` and commit ${shown}`,
              file: shown,
              symbol: name,
            });
            continue;
          }
          const committed = normalise(readFileSync(committedPath, 'utf8'));
          if (committed === current) continue;
          changed++;
          const covering = changesets.filter((c) => c.packages.includes(name)).map((c) => c.file);
          const diff = await reportDiff(file, committed, current);
          if (covering.length === 0) unexplained++;
          evidence.push({
            message:
              covering.length === 0
                ? `${name}: the public API changed and no changeset names the package`
                : `${name}: the public API changed; covered by ${covering.join(', ')} (refresh the report with \`foundation-quality api-report\`)`,
            file: shown,
            symbol: name,
            excerpt: diff,
          });
        }
      } finally {
        rmSync(scratch, { recursive: true, force: true });
      }
      const failed = unexplained > 0;
      return {
        status: failed ? 'failed' : 'passed',
        threshold,
        measured: `${changed} of ${context.packageDirs.length} package APIs changed, ${unexplained} without a changeset or report`,
        value: unexplained,
        ...(failed
          ? { reason: `${unexplained} API changes without a changeset (or a missing report)` }
          : {}),
        evidence,
      };
    },
  };
}
