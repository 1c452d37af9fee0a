import { spawn } from 'node:child_process';

/** A command `check` runs. */
export interface Command {
  /** The executable. */
  readonly command: string;
  /** Its arguments. */
  readonly args: readonly string[];
  /** The folder it runs in. */
  readonly cwd: string;
  /** Variables set for it on top of the inherited environment (a script's `NAME=value`). */
  readonly env?: Readonly<Record<string, string>>;
}

/** What a command did. */
export interface CommandResult {
  /** The exit code (1 when it was killed by a signal or could not start). */
  readonly exitCode: number;
  /** Its stdout and stderr, interleaved as they came. */
  readonly output: string;
}

/** Runs one command; injectable so the pipeline can be tested without real tools. */
export type CommandRunner = (command: Command, signal?: AbortSignal) => Promise<CommandResult>;

/** Output kept per command: enough for the summary's first lines and a look at the failure. */
const MAX_OUTPUT_CHARS = 200_000;

/**
 * Runs a command with its output captured (colours off, so the summary shows plain text); the
 * signal kills it. Never rejects: a command that cannot start is exit code 1 with the reason.
 *
 * @param command - The executable, its arguments, its folder and extra variables.
 * @param signal - Kills the command when it aborts.
 * @returns Its exit code and its interleaved output (the first 200 000 characters).
 */
export const runCommand: CommandRunner = (command, signal) =>
  new Promise((resolve) => {
    let output = '';
    const append = (chunk: Buffer): void => {
      if (output.length < MAX_OUTPUT_CHARS) output += chunk.toString('utf8');
    };
    const child = spawn(command.command, command.args, {
      cwd: command.cwd,
      env: { ...process.env, ...command.env, FORCE_COLOR: '0', NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(signal && { signal }),
    });
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    child.on('error', (error) => {
      resolve({ exitCode: 1, output: `${output}${error.message}\n` });
    });
    child.on('close', (code) => {
      resolve({ exitCode: code ?? 1, output });
    });
  });
