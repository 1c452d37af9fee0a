/** One step of the workflow script: it does something real and says what happened. */
export interface Step {
  /** What the step shows, for people. */
  readonly name: string;
  /**
   * Runs the step. Returns a one-line outcome to print (or nothing); throws when the step
   * fails, which makes the workflow exit non-zero.
   */
  run(context: StepContext): Promise<string | undefined> | string | undefined;
}

/** A titled group of steps, one per package. */
export interface StepGroup {
  /** The group's title, such as `Config`. */
  readonly title: string;
  /** The steps, run in order. */
  readonly steps: readonly Step[];
}

/** What every step gets. */
export interface StepContext {
  /** Prints an extra detail line under the step. */
  detail(line: string): void;
  /** Values shared between steps (for example the foundation started by an earlier step). */
  readonly shared: Map<string, unknown>;
  /** Registers clean-up (stopping a service, a timer) to run when the workflow ends. */
  defer(cleanup: () => unknown): void;
}
