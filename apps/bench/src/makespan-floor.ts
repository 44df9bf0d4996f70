import { submitBudgetClassesOf } from '@darkroom/jobs';
import { durationClasses, getOperation, type RateLimitClass } from '@darkroom/photoshop';

/** A step of a recipe as the floor needs it: its operation and the steps it reads from. */
export interface FloorStep {
  name: string;
  needs: readonly string[];
  operation: string;
}

/** One budget class's share of the floor: how many submits draw on it, at what rate. */
export interface ClassDemand {
  submits: number;
  /** Darkroom's aimed rate for the class, calls per second. */
  ratePerSecond: number;
  /** `submits ÷ ratePerSecond`: the time the class alone needs to let every submit through. */
  seconds: number;
}

export interface MakespanFloor {
  /** Every budget class a submit of the batch draws on, by class. */
  classes: Partial<Record<RateLimitClass, ClassDemand>>;
  /** The class that needs the longest (the budget that sets the pace). */
  bindingClass: RateLimitClass;
  /** The binding class's time. */
  submitSeconds: number;
  /** The longest chain of the recipe, each step at its expected remote duration, in seconds. */
  chainSeconds: number;
  chain: string[];
  /** `submitSeconds + chainSeconds`: no scheduler can finish the batch sooner. */
  floorSeconds: number;
}

/**
 * The longest chain of steps (each step after those it reads from) when each takes
 * `durationMs(step)`, and its length in ms. Steps must come each after its `needs`, as bound
 * recipes list them.
 */
export function longestChain(
  steps: readonly FloorStep[],
  durationMs: (step: FloorStep) => number,
): { ms: number; chain: string[] } {
  const ends = new Map<string, { ms: number; chain: string[] }>();
  let longest = { ms: 0, chain: [] as string[] };
  for (const step of steps) {
    let before = { ms: 0, chain: [] as string[] };
    for (const need of step.needs) {
      const end = ends.get(need);
      if (!end) throw new Error(`step ${step.name} needs ${need}, which does not come before it`);
      if (end.ms > before.ms) before = end;
    }
    const end = { ms: before.ms + durationMs(step), chain: [...before.chain, step.name] };
    ends.set(step.name, end);
    if (end.ms > longest.ms) longest = end;
  }
  return longest;
}

/** The mean remote duration the catalog expects of an operation (its duration class's). */
export function expectedDurationMs(operation: string): number {
  return durationClasses[getOperation(operation).durationClass].expected.meanMs;
}

/**
 * The physical floor of a batch of `runs` runs of a recipe under Adobe's limits at
 * `timeFactor`: every submit must pass the budget of each class it draws on
 * (`submitBudgetClassesOf`, as the step machine takes them), the classes in parallel, so
 * the slowest class sets the pace; the last run to be let through then still needs its longest
 * chain of steps. `durationMs` gives a step's remote duration before `timeFactor`.
 */
export function makespanFloor(input: {
  steps: readonly FloorStep[];
  runs: number;
  timeFactor: number;
  aimedRatePerSecond: (cls: RateLimitClass, timeFactor: number) => number;
  durationMs?: (step: FloorStep) => number;
}): MakespanFloor {
  const { steps, runs, timeFactor } = input;
  const submits = new Map<RateLimitClass, number>();
  for (const step of steps) {
    for (const cls of submitBudgetClassesOf(step.operation)) {
      submits.set(cls, (submits.get(cls) ?? 0) + runs);
    }
  }
  const classes: Partial<Record<RateLimitClass, ClassDemand>> = {};
  let bindingClass: RateLimitClass = 'submit';
  let submitSeconds = 0;
  for (const [cls, count] of submits) {
    const ratePerSecond = input.aimedRatePerSecond(cls, timeFactor);
    const seconds = count / ratePerSecond;
    classes[cls] = { submits: count, ratePerSecond, seconds };
    if (seconds > submitSeconds) {
      submitSeconds = seconds;
      bindingClass = cls;
    }
  }
  const duration = input.durationMs ?? ((s: FloorStep) => expectedDurationMs(s.operation));
  const chain = longestChain(steps, duration);
  const chainSeconds = (chain.ms * timeFactor) / 1000;
  return {
    classes,
    bindingClass,
    submitSeconds,
    chainSeconds,
    chain: chain.chain,
    floorSeconds: submitSeconds + chainSeconds,
  };
}
