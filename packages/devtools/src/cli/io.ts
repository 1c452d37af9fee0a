import { inspect } from 'node:util';

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

/** Colours only on a terminal, and never with `NO_COLOR` set. */
export function painter(io: CliIo): (style: Style, text: string) => string {
  const enabled = io.isTTY && (io.env.NO_COLOR === undefined || io.env.NO_COLOR === '');
  // ANSI codes directly: the decision (TTY, NO_COLOR) is made here, not by the platform.
  return (style, text) => {
    const codes = inspect.colors[style];
    return enabled && codes ? `\x1b[${codes[0]}m${text}\x1b[${codes[1]}m` : text;
  };
}

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * Shows that a long phase is running: a spinner on a terminal, one plain line otherwise. Its
 * timer is unref'd and owned here: `stop()` clears it and the spinner's line.
 */
export class Progress {
  readonly #io: CliIo;
  #timer: NodeJS.Timeout | undefined;
  #frame = 0;

  constructor(io: CliIo) {
    this.#io = io;
  }

  /** Shows `label` as running. */
  start(label: string): void {
    this.stop();
    if (!this.#io.isTTY) {
      this.#io.stdout(`▸ ${label} …\n`);
      return;
    }
    const draw = (): void => {
      this.#io.stdout(`\r${FRAMES[this.#frame++ % FRAMES.length]!} ${label}`);
    };
    draw();
    this.#timer = setInterval(draw, 80);
    this.#timer.unref();
  }

  /** Clears the spinner. */
  stop(): void {
    if (this.#timer === undefined) return;
    clearInterval(this.#timer);
    this.#timer = undefined;
    this.#io.stdout('\r\x1b[2K');
  }
}
