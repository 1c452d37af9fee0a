import { spawn } from 'node:child_process';
import { qualityError } from './errors.js';

/** What a finished command gave back. */
export interface CommandOutput {
  /** The exit code (null when a signal ended it). */
  readonly exitCode: number | null;
  /** Everything written to stdout. */
  readonly stdout: string;
  /** Everything written to stderr. */
  readonly stderr: string;
  /** True when the command ran past its `timeoutMs` and was stopped. */
  readonly timedOut: boolean;
}

/** Splits a configured command on whitespace; commands run without a shell. */
export function splitCommand(command: string): [string, ...string[]] {
  const parts = command.trim().split(/\s+/);
  return parts as [string, ...string[]];
}

/**
 * Runs a command to completion and collects its output. With `timeoutMs`, a command still
 * running then is stopped (SIGTERM) and its output so far comes back with `timedOut: true`.
 *
 * @throws FoundationError 8102 (`quality_tool_missing`) when the program does not exist
 */
export function runCommand(
  command: string,
  options: { cwd: string; env?: NodeJS.ProcessEnv; signal?: AbortSignal; timeoutMs?: number },
): Promise<CommandOutput> {
  const [program, ...args] = splitCommand(command);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      signal: options.signal,
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    // Awaited by the caller, so it may keep the process alive; cleared when the command ends.
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
          }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === 'ENOENT') {
        reject(
          qualityError(
            'quality_tool_missing',
            `'${program}' is not installed (needed for \`${command}\`)`,
            `Install ${program} or change the command in the quality config`,
            { command, cwd: options.cwd },
            error,
          ),
        );
      } else {
        reject(error);
      }
    });
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      resolvePromise({
        exitCode,
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
        timedOut,
      });
    });
  });
}

/** The last `lines` lines of a command's output, for evidence. */
export function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}
