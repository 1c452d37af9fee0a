import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ResolvedGates } from '../config/validate.js';
import { qualityError } from '../errors.js';
import { runCommand } from '../exec.js';
import { parsePatternList } from '../glob.js';
import type { Evidence, Gate, GateOutcome } from '../model.js';

type SecretsOptions = NonNullable<ResolvedGates['secrets']>;

/** Files larger than this are not scanned (lock files and bundles, not hand-written secrets). */
const MAX_FILE_BYTES = 2 * 1024 * 1024;

/** The files git tracks in `rootDir`, relative, with forward slashes. */
export async function trackedFiles(rootDir: string, signal: AbortSignal): Promise<string[]> {
  const output = await runCommand('git ls-files -z', { cwd: rootDir, signal });
  if (output.exitCode !== 0) {
    throw qualityError(
      'quality_input_unreadable',
      `git ls-files failed in ${rootDir} (${output.stderr.trim()})`,
      'Run the secrets gate inside a git work tree',
      { dir: rootDir },
    );
  }
  return output.stdout.split('\0').filter((f) => f !== '');
}

interface SecretlintResult {
  messages: { ruleId: string; message: string; loc: { start: { line: number } } }[];
}

interface Secretlint {
  lintSource: (input: {
    source: { content: string; filePath: string; contentType: 'text' };
    options: { config: { rules: unknown[] }; maskSecrets: boolean };
  }) => Promise<SecretlintResult>;
}

/** The secrets gate: secretlint's recommended preset over every tracked file. */
export function secretsGate(options: SecretsOptions): Gate {
  return {
    name: 'secrets',
    async run(context): Promise<GateOutcome> {
      const { lintSource } = (await import('@secretlint/core')) as unknown as Secretlint;
      const preset = (await import('@secretlint/secretlint-rule-preset-recommend')) as {
        creator: unknown;
      };
      const config = {
        rules: [{ id: '@secretlint/secretlint-rule-preset-recommend', rule: preset.creator }],
      };
      let allowed: RegExp[] = [];
      if (options.allowList !== undefined) {
        const file = resolve(context.rootDir, options.allowList);
        if (!existsSync(file)) {
          throw qualityError(
            'quality_input_unreadable',
            `secrets allow-list ${options.allowList} does not exist`,
            'Create it (one path pattern a line) or remove gates.secrets.allowList',
            { file: options.allowList },
          );
        }
        allowed = parsePatternList(readFileSync(file, 'utf8'));
      }
      const files = await trackedFiles(context.rootDir, context.signal);
      const findings: Evidence[] = [];
      let allowedCount = 0;
      let scanned = 0;
      for (const file of files) {
        const path = join(context.rootDir, file);
        if (!existsSync(path)) continue;
        const stat = statSync(path);
        if (!stat.isFile() || stat.size > MAX_FILE_BYTES) continue;
        const content = readFileSync(path, 'utf8');
        if (content.includes('\0')) continue;
        scanned++;
        const result = await lintSource({
          source: { content, filePath: path, contentType: 'text' },
          options: { config, maskSecrets: true },
        });
        if (result.messages.length === 0) continue;
        if (allowed.some((pattern) => pattern.test(file))) {
          allowedCount += result.messages.length;
          continue;
        }
        for (const message of result.messages) {
          findings.push({
            message: `${message.ruleId}: ${message.message}`,
            file,
            line: message.loc.start.line,
            symbol: message.ruleId,
          });
        }
      }
      const failed = findings.length > 0;
      return {
        status: failed ? 'failed' : 'passed',
        threshold: 'no credentials in tracked files',
        measured: `${findings.length} findings in ${scanned} files${
          allowedCount > 0 ? ` (${allowedCount} allowed by the allow-list)` : ''
        }`,
        value: findings.length,
        ...(failed ? { reason: `${findings.length} possible credentials` } : {}),
        evidence: findings,
      };
    },
  };
}
