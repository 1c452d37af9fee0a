import type { ResolvedGates } from '../config/validate.js';
import { runCommand, tail, type CommandOutput } from '../exec.js';
import type { Evidence, Gate, GateOutcome } from '../model.js';

type DependenciesOptions = NonNullable<ResolvedGates['dependencies']>;

/** Audit severities from least to most severe. */
export const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;

/** One advisory an audit reported. */
export interface Advisory {
  /** The vulnerable package. */
  readonly module: string;
  /** Its severity. */
  readonly severity: (typeof SEVERITIES)[number];
  /** The advisory's title. */
  readonly title: string;
  /** Where to read more. */
  readonly url?: string;
}

function asSeverity(value: unknown): Advisory['severity'] {
  return (SEVERITIES as readonly unknown[]).includes(value)
    ? (value as Advisory['severity'])
    : 'info';
}

/**
 * Reads the advisories out of `pnpm audit --json` (an `advisories` map) or `npm audit --json`
 * (a `vulnerabilities` map). Returns undefined when the output is not an audit result, which
 * is what a registry that did not answer produces.
 */
export function parseAudit(text: string): Advisory[] | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || 'error' in parsed) return undefined;
  const record = parsed as Record<string, unknown>;
  const found: Advisory[] = [];
  if (typeof record.advisories === 'object' && record.advisories !== null) {
    for (const value of Object.values(
      record.advisories as Record<string, Record<string, unknown>>,
    )) {
      found.push({
        module: String(value.module_name),
        severity: asSeverity(value.severity),
        title: String(value.title),
        ...(typeof value.url === 'string' ? { url: value.url } : {}),
      });
    }
    return found;
  }
  if (typeof record.vulnerabilities === 'object' && record.vulnerabilities !== null) {
    for (const [name, value] of Object.entries(
      record.vulnerabilities as Record<string, Record<string, unknown>>,
    )) {
      const via = Array.isArray(value.via) ? (value.via as unknown[]) : [];
      const direct = via.find(
        (v): v is Record<string, unknown> => typeof v === 'object' && v !== null,
      );
      found.push({
        module: name,
        severity: asSeverity(value.severity),
        title:
          direct && typeof direct.title === 'string'
            ? direct.title
            : `via ${via.map(String).join(', ')}`,
        ...(direct && typeof direct.url === 'string' ? { url: direct.url } : {}),
      });
    }
    return found;
  }
  return undefined;
}

/**
 * Why an audit gave no result, in a line: the error the package manager reported as JSON
 * (`{ "error": { "code", "message" } }`, what pnpm and npm print when the registry refuses or
 * cannot be reached), else the last line it printed.
 */
export function auditFailure(output: Pick<CommandOutput, 'stdout' | 'stderr'>): string {
  try {
    const parsed = JSON.parse(output.stdout) as { error?: { code?: unknown; message?: unknown } };
    const { code, message } = parsed.error ?? {};
    if (typeof message === 'string') {
      return typeof code === 'string' ? `${code}: ${message}` : message;
    }
  } catch {
    // Not JSON: fall through to the last line printed.
  }
  const last = tail(`${output.stdout}\n${output.stderr}`.trim(), 1);
  return last === '' ? 'no output' : last;
}

/**
 * The dependencies gate: the package manager's audit against the registry's advisories,
 * failing at or above a severity. No answer (offline, refused, too slow) is a skip with the
 * reason, never a pass.
 */
export function dependenciesGate(options: DependenciesOptions): Gate {
  return {
    name: 'dependencies',
    async run(context): Promise<GateOutcome> {
      const threshold = `no advisories at ${options.severity} or above`;
      const output = await runCommand(options.command, {
        cwd: context.rootDir,
        signal: context.signal,
        timeoutMs: options.timeoutMs,
      });
      const advisories = output.timedOut ? undefined : parseAudit(output.stdout);
      if (advisories === undefined) {
        const why = output.timedOut
          ? `no answer within ${options.timeoutMs / 1000} s`
          : auditFailure(output);
        return {
          status: 'skipped',
          threshold,
          measured: 'no audit result',
          reason: `\`${options.command}\` gave no audit result (${why})`,
          evidence: [
            {
              message: `exit code ${String(output.exitCode)}`,
              excerpt: tail(output.stdout + output.stderr),
            },
          ],
        };
      }
      const floor = SEVERITIES.indexOf(options.severity);
      const failing = advisories.filter((a) => SEVERITIES.indexOf(a.severity) >= floor);
      const evidence: Evidence[] = [...advisories]
        .sort((a, b) => SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity))
        .map((a) => ({
          message: `${a.severity}: ${a.module}: ${a.title}`,
          symbol: a.module,
          ...(a.url === undefined ? {} : { excerpt: a.url }),
        }));
      const failed = failing.length > 0;
      return {
        status: failed ? 'failed' : 'passed',
        threshold,
        measured: `${advisories.length} advisories, ${failing.length} at ${options.severity} or above`,
        value: failing.length,
        ...(failed
          ? { reason: `${failing.length} advisories at ${options.severity} or above` }
          : {}),
        evidence,
      };
    },
  };
}
