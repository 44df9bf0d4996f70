import { formatPath } from '@darkroom/photoshop';
import type { JobIssue } from '../errors/edit-job-validation-error';
import type { Recipe } from './recipe-schema';
import { filePositionOf } from '@darkroom/photoshop';
import { outputUsesOf, readPositionsOf, type OutputUse } from './step-values';

/** One step reading an output of another: the edges of a recipe's graph. */
export interface StepEdge {
  step: string;
  from: string;
  output: number;
}

const outputIndex = (use: OutputUse): unknown => use.output ?? 0;
const isIndex = (value: unknown): value is number => Number.isInteger(value) && Number(value) >= 0;

/**
 * Every edge of the graph whose source is another step of the recipe; the checks below report the
 * others.
 */
export function edgesOf(recipe: Recipe): StepEdge[] {
  return Object.entries(recipe.steps).flatMap(([step, def]) =>
    outputUsesOf(def)
      .filter((use) => use.from !== step && Object.hasOwn(recipe.steps, use.from))
      .map((use) => {
        const output = outputIndex(use);
        return { step, from: use.from, output: isIndex(output) ? output : 0 };
      }),
  );
}

/**
 * Where each `{ from }` points and where it sits: a step of this recipe other than itself, an
 * output that step has, and a place where the operation reads a file.
 */
function useIssues(recipe: Recipe): JobIssue[] {
  const issues: JobIssue[] = [];
  const names = Object.keys(recipe.steps);
  for (const [step, def] of Object.entries(recipe.steps)) {
    const positions = readPositionsOf(def.operation);
    for (const use of outputUsesOf(def)) {
      const at = (...rest: (string | number)[]) =>
        formatPath(['steps', step, ...use.path, ...rest]);
      const source = Object.hasOwn(recipe.steps, use.from) ? recipe.steps[use.from] : undefined;
      const output = outputIndex(use);
      if (!source) {
        issues.push({
          path: at('from'),
          rule: 'unknown_step',
          message: `from names no step of this recipe ("${use.from}"); its steps are ${names.join(', ')}`,
        });
      } else if (use.from === step) {
        issues.push({
          path: at('from'),
          rule: 'self_reference',
          message: 'a step cannot read its own output',
        });
      } else if (!isIndex(output) || output >= source.outputs.length) {
        issues.push({
          path: at('output'),
          rule: 'output_index',
          message: `step ${use.from} has ${source.outputs.length} output${source.outputs.length > 1 ? 's' : ''}: output must be a whole number from 0 to ${source.outputs.length - 1}`,
        });
      }
      const position = filePositionOf(use.path);
      if (!positions.includes(position)) {
        issues.push({
          path: at('from'),
          rule: 'from_position',
          message: `${def.operation} reads no file at ${position}; an earlier step's output can go to: ${positions.join(', ') || 'no position of this operation'}`,
        });
      }
      if (use.alsoRef) {
        issues.push({
          path: at('ref'),
          rule: 'ref_and_from',
          message: 'name the file with ref or with from, not both',
        });
      }
    }
  }
  return issues;
}

/** Each cycle once, as the steps along it with the first repeated at the end. */
function findCycles(names: string[], edges: StepEdge[]): string[][] {
  const feeds = new Map(names.map((n) => [n, [] as string[]]));
  for (const edge of edges) feeds.get(edge.from)?.push(edge.step);
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  const seen = new Set<string>();
  const visit = (name: string): void => {
    state.set(name, 'open');
    stack.push(name);
    for (const next of feeds.get(name) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next));
        const key = [...cycle].sort().join(' ');
        if (!seen.has(key)) cycles.push([...cycle, next]);
        seen.add(key);
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(name, 'done');
  };
  for (const name of names) if (!state.has(name)) visit(name);
  return cycles;
}

function cycleIssues(recipe: Recipe): JobIssue[] {
  return findCycles(Object.keys(recipe.steps), edgesOf(recipe)).map((cycle) => ({
    path: formatPath(['steps', cycle[0] ?? '']),
    rule: 'cycle',
    message: `steps ${cycle.join(' → ')} form a cycle: each reads the output of the one before it, so none can run first`,
  }));
}

/** The run must leave something behind, and every intermediate output must be read. */
function outputIssues(recipe: Recipe): JobIssue[] {
  const issues: JobIssue[] = [];
  const steps = Object.entries(recipe.steps);
  if (!steps.some(([, def]) => def.outputs.some((o) => o.ref !== undefined))) {
    issues.push({
      path: 'steps',
      rule: 'no_final_output',
      message: 'no step has a final output (an output with a ref): the run would keep nothing',
    });
  }
  const edges = edgesOf(recipe);
  for (const [step, def] of steps) {
    def.outputs.forEach((output, i) => {
      if (output.ref !== undefined) return;
      if (edges.some((e) => e.from === step && e.output === i)) return;
      issues.push({
        path: formatPath(['steps', step, 'outputs', i]),
        rule: 'unused_output',
        message:
          'no step reads this intermediate output: it would be written and deleted for nothing; give it a ref to keep it, or remove it',
      });
    });
  }
  return issues;
}

/**
 * What is wrong with the recipe's graph: `{ from }` references to missing steps, to the step
 * itself, to outputs a step does not have or at places the operation reads no file; cycles; no
 * final output; intermediate outputs nobody reads.
 */
export function graphIssues(recipe: Recipe): JobIssue[] {
  return [...useIssues(recipe), ...cycleIssues(recipe), ...outputIssues(recipe)];
}

/**
 * The steps in an order that runs every step after those it reads from; among steps that are
 * ready together, the one declared first. Only for a recipe without cycles.
 */
export function topologicalOrder(recipe: Recipe): string[] {
  const names = Object.keys(recipe.steps);
  const edges = edgesOf(recipe);
  const order: string[] = [];
  while (order.length < names.length) {
    const ready = names.find(
      (name) =>
        !order.includes(name) && edges.every((e) => e.step !== name || order.includes(e.from)),
    );
    if (ready === undefined) throw new Error('a recipe with a cycle has no order');
    order.push(ready);
  }
  return order;
}

/** The steps `step` reads from, each once, in `order`. */
export function needsOf(recipe: Recipe, step: string, order: readonly string[]): string[] {
  const from = new Set(
    edgesOf(recipe)
      .filter((e) => e.step === step)
      .map((e) => e.from),
  );
  return order.filter((name) => from.has(name));
}
