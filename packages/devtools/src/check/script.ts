/** A package.json script that is one plain tool call: `[NAME=value ...] tool [args ...]`. */
export interface PlainCall {
  /** The variables the script sets before the tool (`TURBO_TELEMETRY_DISABLED=1`). */
  readonly env: Readonly<Record<string, string>>;
  /** The tool, such as `vitest` or `turbo`. */
  readonly tool: string;
  /** Its arguments, as written. */
  readonly args: readonly string[];
}

// Quoting, globs, expansions, redirections and chaining all need a shell to mean what they say;
// a script using any of them is run as it is, never taken apart.
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]{}~#!]/;
const ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/;

/**
 * Reads a script as one tool call with its variables and arguments, or returns undefined when
 * it is anything else (several commands, shell syntax, only assignments).
 *
 * @param script - The script's text, such as `TURBO_TELEMETRY_DISABLED=1 turbo run test`.
 * @returns The call, or undefined when the script needs a shell.
 */
export function parsePlainCall(script: string): PlainCall | undefined {
  if (SHELL_SYNTAX.test(script)) return undefined;
  const words = script.trim().split(/\s+/);
  const env: [string, string][] = [];
  let index = 0;
  for (let match = ASSIGNMENT.exec(words[0]!); match; match = ASSIGNMENT.exec(words[index] ?? '')) {
    env.push([match[1]!, match[2]!]);
    index += 1;
  }
  const tool = words[index];
  if (tool === undefined || tool === '') return undefined;
  // fromEntries defines own properties, so a variable named __proto__ cannot reach a prototype.
  return { env: Object.fromEntries(env), tool, args: words.slice(index + 1) };
}
