import type { HealthReport } from '@foundation/core';
import type { ChildSpecBase, StartChildSpec, Stoppable } from '../../src/index.js';

/** Options of one probe child. */
export interface ProbeOptions extends Partial<Omit<ChildSpecBase, 'id'>> {
  /** Makes `start` throw while it returns true. */
  readonly failStart?: () => boolean;
  /** Makes `stop` never settle. */
  readonly hangStop?: boolean;
  /** The child's health. */
  readonly health?: () => HealthReport | Promise<HealthReport>;
}

/**
 * Children that write what happens to them into a journal (`start:a`, `stop:a`) and can be
 * crashed or exited from the test through the context their last start was given.
 */
export class Probe {
  readonly journal: string[] = [];
  readonly #crash = new Map<string, (reason?: unknown) => void>();
  readonly #exit = new Map<string, () => void>();
  readonly #signals = new Map<string, AbortSignal>();

  child(id: string, options: ProbeOptions = {}): StartChildSpec {
    const { failStart, hangStop, health, ...base } = options;
    return {
      id,
      ...base,
      start: (context) => {
        if (failStart?.()) {
          this.journal.push(`fail:${id}`);
          throw new Error(`${id} cannot start`);
        }
        this.journal.push(`start:${id}`);
        this.#crash.set(id, context.crash);
        this.#exit.set(id, context.exit);
        this.#signals.set(id, context.signal);
        const handle: Stoppable = {
          stop: () => {
            this.journal.push(`stop:${id}`);
            return hangStop ? new Promise<void>(() => undefined) : undefined;
          },
          ...(health && { health }),
        };
        return handle;
      },
    };
  }

  crash(id: string, reason: unknown = new Error(`${id} crashed`)): void {
    this.#crash.get(id)!(reason);
  }

  exit(id: string): void {
    this.#exit.get(id)!();
  }

  signal(id: string): AbortSignal {
    return this.#signals.get(id)!;
  }

  /** The journal since the last `take`. */
  take(): string[] {
    return this.journal.splice(0);
  }
}

/** Lets queued supervisor work (promise continuations and immediates) run. */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((resolve) => setImmediate(resolve));
}
