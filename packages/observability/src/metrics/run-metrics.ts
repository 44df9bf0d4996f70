import { Counter, Histogram, type Registry } from 'prom-client';
import { JOB_SECONDS_BUCKETS } from './buckets';
import { boundLabel, reasonLabel } from './labels';

/** How a recipe run ended. */
export const RUN_OUTCOMES = ['completed', 'failed'] as const;
export type RunOutcome = (typeof RUN_OUTCOMES)[number];

/**
 * Recipe runs: how they ended (a failure by the failed step's reason) and how long a run and
 * each of its steps took from enqueue to end. Labels are bounded: outcomes, reasons and the
 * operations of Darkroom's catalog, never a recipe's or a run's name.
 */
export class RunMetrics {
  private readonly runs: Counter<'outcome' | 'reason'>;
  private readonly runSeconds: Histogram<'outcome'>;
  private readonly stepSeconds: Histogram<'operation'>;

  constructor({ register }: { register: Registry }) {
    const registers = [register];
    this.runs = new Counter({
      name: 'darkroom_recipe_runs_total',
      help: 'Recipe runs that ended, by outcome (completed, failed) and, for a failure, the reason of the step that failed.',
      labelNames: ['outcome', 'reason'],
      registers,
    });
    this.runSeconds = new Histogram({
      name: 'darkroom_recipe_run_duration_seconds',
      help: 'Time from a recipe run being enqueued to its end, by outcome.',
      labelNames: ['outcome'],
      buckets: [...JOB_SECONDS_BUCKETS],
      registers,
    });
    this.stepSeconds = new Histogram({
      name: 'darkroom_recipe_step_duration_seconds',
      help: "Time from a recipe step's edit being enqueued to its completion, by operation.",
      labelNames: ['operation'],
      buckets: [...JOB_SECONDS_BUCKETS],
      registers,
    });
  }

  runEnded(outcome: RunOutcome, seconds: number, reason = ''): void {
    this.runs.inc({ outcome, reason: reason ? reasonLabel(reason) : '' });
    this.runSeconds.observe({ outcome }, Math.max(0, seconds));
  }

  stepCompleted(operation: string, seconds: number): void {
    this.stepSeconds.observe({ operation: boundLabel(operation) }, Math.max(0, seconds));
  }
}
