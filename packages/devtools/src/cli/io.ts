import { inspect } from 'node:util';
import { systemClock, type Clock, type Timer } from '@foundation/core';

/** Where the CLI reads and writes; the real process, or a test's capture. */
export interface CliIo {
  /** Writes to standard output. */
  readonly stdout: (text: string) => void;
  /** Writes to standard error. */
  readonly stderr: (text: string) => void;
  /** The working directory. */
  readonly cwd: string;
  /** Whether standard output is a terminal (progress and colours are shown only then). */
  readonly isTTY: boolean;
  /** The environment (`NO_COLOR` turns colours off). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

type Style = 'green' | 'red' | 'yellow' | 'dim' | 'bold';

/**
 * Colours only on a terminal, and never with `NO_COLOR` set.
 *
 * @param io - Whether standard output is a terminal, and the environment (`NO_COLOR`).
 * @returns A function wrapping text in the ANSI codes of a style, or returning it as it is.
 */
export function painter(io: CliIo): (style: Style, text: string) => string {
  const enabled = io.isTTY && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '');
  // ANSI codes directly: the decision (TTY, NO_COLOR) is made here, not by the platform.
  return (style, text) => {
    const codes = inspect.colors[style];
    return enabled && codes ? `\x1b[${codes[0]}m${text}\x1b[${codes[1]}m` : text;
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** How often the spinner redraws, in milliseconds. */
export const SPINNER_INTERVAL_MS = 80;

/**
 * Shows that a long phase is running: on a terminal a spinner with the time so far, redrawn in
 * place; otherwise one plain line when the phase starts. Its timer comes from the clock (so it
 * never keeps the process alive) and is owned here: `stop()` cancels it and clears the line.
 */
export class Progress {
  readonly #io: CliIo;
  readonly #clock: Clock;
  #timer: Timer | undefined;

  /**
   * @param io - Where the spinner or the plain lines are written; `io.isTTY` picks which.
   * @param clock - The clock for the redraws and the time shown. Default `systemClock`.
   */
  constructor(io: CliIo, clock: Clock = systemClock) {
    this.#io = io;
    this.#clock = clock;
  }

  /**
   * Shows `label` as running, replacing what was shown before.
   *
   * @param label - What is running, such as `lint (eslint, zero warnings)`.
   */
  start(label: string): void {
    this.stop();
    if (!this.#io.isTTY) {
      this.#io.stdout(`▸ ${label} …\n`);
      return;
    }
    const startMs = this.#clock.nowMs();
    let frame = 0;
    const draw = (): void => {
      const seconds = ((this.#clock.nowMs() - startMs) / 1000).toFixed(1);
      this.#io.stdout(`\r\x1b[2K${FRAMES[frame++ % FRAMES.length]!} ${label} ${seconds} s`);
    };
    draw();
    this.#timer = this.#clock.setInterval(draw, SPINNER_INTERVAL_MS);
  }

  /** Clears the spinner's line and stops its timer; does nothing when none is shown. */
  stop(): void {
    if (this.#timer === undefined) return;
    this.#timer.cancel();
    this.#timer = undefined;
    this.#io.stdout('\r\x1b[2K');
  }
}
