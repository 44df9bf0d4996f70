/** One call a fake received, in the order the step machine made it. */
export interface RecordedCall {
  /** Which fake: `storage`, `photoshop`, `budget`, `estimator`, `redis`, `job`, `observer`. */
  target: string;
  method: string;
  args: unknown[];
}

/**
 * An ordered record shared by the fakes of one test, so a test can check not only what the step
 * machine asked for but in which order (a token taken right before the POST, the checkpoint
 * written before the first poll is scheduled).
 */
export class CallLog {
  readonly calls: RecordedCall[] = [];

  record(target: string, method: string, args: unknown[]): void {
    this.calls.push({ target, method, args });
  }

  /** `target.method` of every call, in order; only those of `targets` when any are named. */
  names(...targets: string[]): string[] {
    return this.calls
      .filter((c) => targets.length === 0 || targets.includes(c.target))
      .map((c) => `${c.target}.${c.method}`);
  }

  /** The arguments of every call of `target.method`, in order. */
  argsOf(target: string, method: string): unknown[][] {
    return this.calls.filter((c) => c.target === target && c.method === method).map((c) => c.args);
  }
}
