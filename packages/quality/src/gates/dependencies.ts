import type { ResolvedGates } from '../config/validate.js';
import { runCommand, tail } from '../exec.js';
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

/** The dependencies gate: the package manager's audit, failing at or above a severity. */
export function dependenciesGate(options: DependenciesOptions): Gate {
  return {
    name: 'dependencies',
    async run(context): Promise<GateOutcome> {
      const threshold = `no advisories at ${options.severity} or above`;
      const output = await runCommand(options.command, {
        cwd: context.rootDir,
        signal: context.signal,
      });
      const advisories = parseAudit(output.stdout);
      if (advisories === undefined) {
        return {
          status: 'skipped',
          threshold,
          measured: 'no audit result',
          reason: `\`${options.command}\` gave no audit result (the registry did not answer?)`,
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
