import type { EditJobInput } from '../edit-job';
import { extensionOf } from '../media-types';
import { fillPlaceholders } from './placeholders';
import { needsOf, topologicalOrder } from './recipe-graph';
import type { Recipe, RecipeStep } from './recipe-schema';
import { rewriteValue } from './step-values';

/** One step made into an edit. */
export interface PlannedStep {
  name: string;
  /** The steps it reads from, in run order. */
  needs: string[];
  edit: EditJobInput;
}

/** A recipe with its placeholders filled and every output placed. */
export interface RecipePlan {
  steps: PlannedStep[];
  intermediates: string[];
  finals: string[];
}

/**
 * Makes each step an edit: placeholders filled by `valueOf`, each intermediate output placed at
 * `<scratchRun><step>/<index>.<ext>`, and each `{ from, output }` replaced by that output's
 * reference. Steps come in run order. Only for a recipe that passed the graph checks.
 */
export function planRecipe(
  recipe: Recipe,
  valueOf: (name: string) => string,
  scratchRun: string,
): RecipePlan {
  const order = topologicalOrder(recipe);
  const fill = (text: string) => fillPlaceholders(text, valueOf);
  const placed = new Map<string, string[]>();
  const finals: string[] = [];
  const intermediates: string[] = [];
  for (const name of order) {
    const outputs = stepOf(recipe, name).outputs.map((output, i) => {
      if (output.ref !== undefined) return keep(finals, fill(output.ref));
      const type = output.type ?? output.mediaType;
      const ext = extensionOf(typeof type === 'string' ? fill(type) : undefined);
      return keep(intermediates, `${scratchRun}${name}/${i}.${ext}`);
    });
    placed.set(name, outputs);
  }
  const refOf = (from: string, output: number) => placed.get(from)?.[output] ?? '';
  const steps = order.map((name) => {
    const step = stepOf(recipe, name);
    return {
      name,
      needs: needsOf(recipe, name, order),
      edit: editOf(step, fill, refOf, placed.get(name) ?? []),
    };
  });
  return { steps, intermediates, finals };
}

function keep(list: string[], ref: string): string {
  list.push(ref);
  return ref;
}

function stepOf(recipe: Recipe, name: string): RecipeStep {
  const step = recipe.steps[name];
  if (!step) throw new Error(`no step ${name}`);
  return step;
}

function editOf(
  step: RecipeStep,
  fill: (text: string) => string,
  refOf: (from: string, output: number) => string,
  outputRefs: readonly string[],
): EditJobInput {
  const input =
    step.input === undefined
      ? undefined
      : typeof step.input === 'string'
        ? fill(step.input)
        : refOf(step.input.from, step.input.output ?? 0);
  const outputs = step.outputs.map(({ ref: _template, ...options }, i) => ({
    ref: outputRefs[i] ?? '',
    ...(rewriteValue(options, fill, refOf) as Record<string, unknown>),
  }));
  return {
    operation: step.operation,
    ...(input === undefined ? {} : { input }),
    outputs,
    ...(step.options === undefined
      ? {}
      : { options: rewriteValue(step.options, fill, refOf) as Record<string, unknown> }),
  };
}
