import { coerceError } from './coerce-error';

/** One step of a shutdown: close a server, a queue, a connection. */
export type Cleanup = () => unknown;

/** Thrown by {@link closeAll} when more than one cleanup failed: `errors` holds every failure. */
export class CloseError extends AggregateError {
  constructor(errors: Error[]) {
    super(errors, `${errors.length} cleanups failed: ${errors.map((e) => e.message).join('; ')}`);
    this.name = this.constructor.name;
  }
}

/**
 * The one close rule of Darkroom: every cleanup runs, even when an earlier one throws, and every
 * failure is reported. Cleanups run one after another in the given order (workers before the
 * queues they read, queues before the connection they share), or all at once with
 * `{ concurrent: true }`. Resolves when all succeeded; rejects with the one error when one
 * failed, or with a {@link CloseError} holding all of them.
 */
export async function closeAll(
  cleanups: Iterable<Cleanup | undefined>,
  options: { concurrent?: boolean } = {},
): Promise<void> {
  const steps = [...cleanups].filter((step): step is Cleanup => step !== undefined);
  const run = async (step: Cleanup): Promise<Error | undefined> => {
    try {
      await step();
      return undefined;
    } catch (err) {
      return coerceError(err);
    }
  };
  const outcomes: (Error | undefined)[] = [];
  if (options.concurrent) outcomes.push(...(await Promise.all(steps.map(run))));
  else for (const step of steps) outcomes.push(await run(step));
  const errors = outcomes.filter((e): e is Error => e !== undefined);
  if (errors.length === 1) throw errors[0]!;
  if (errors.length > 1) throw new CloseError(errors);
}

/**
 * A `close()` that does its work once: the first call starts it and every call, during or after,
 * returns the same promise, so two owners of one resource can both close it.
 */
export function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= Promise.resolve().then(close));
}
