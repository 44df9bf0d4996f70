import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { ConfigError } from '@darkroom/config';
import { RecipeValidationError, validateRecipe, type JobIssue, type Recipe } from '@darkroom/jobs';
import type { LegacyPolicy } from '@darkroom/photoshop';

/** The recipes a deployment names (DARKROOM_RECIPES), by name, in the file's order. */
export type NamedRecipes = ReadonlyMap<string, Recipe>;

/** A deployment without DARKROOM_RECIPES: no named recipes. */
export const NO_RECIPES: NamedRecipes = new Map();

/** The variable that names the file, in every message about it. */
const VARIABLE = 'DARKROOM_RECIPES';

/** What {@link loadNamedRecipes} checks each recipe with. */
export interface LoadRecipesOptions {
  /** The deployment's DARKROOM_LEGACY_API: steps on retired APIs are refused unless `allow`. */
  legacyApi: LegacyPolicy;
  /** DARKROOM_SCRATCH, so intermediate outputs are checked in the store they will be written to. */
  scratch?: string | undefined;
  /** What a relative path is read against. @defaultValue process.cwd() */
  cwd?: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The recipes of a file as `[name, recipe]`: an object of name → recipe (a recipe there may leave
 * out its `name`, or must repeat the key), or an array of recipes each with its `name`. What
 * cannot be a recipe of the file is a problem, named by its place.
 */
function entriesOf(document: unknown): { entries: [string, unknown][]; problems: string[] } {
  const problems: string[] = [];
  const entries: [string, unknown][] = [];
  if (Array.isArray(document)) {
    document.forEach((recipe, index) => {
      const name = isObject(recipe) ? recipe.name : undefined;
      if (typeof name !== 'string' || name === '') {
        problems.push(`[${index}]: each recipe of the list needs its name`);
      } else if (entries.some(([seen]) => seen === name)) {
        problems.push(`[${index}]: a second recipe named ${name}; names must be unique`);
      } else {
        entries.push([name, recipe]);
      }
    });
    return { entries, problems };
  }
  if (!isObject(document)) {
    return {
      entries,
      problems: ['must hold an object of name → recipe, or an array of recipes with their names'],
    };
  }
  for (const [name, recipe] of Object.entries(document)) {
    if (isObject(recipe) && recipe.name !== undefined && recipe.name !== name) {
      problems.push(`recipe ${name}: its name is ${JSON.stringify(recipe.name)}, not its key`);
      continue;
    }
    entries.push([name, isObject(recipe) ? { ...recipe, name } : recipe]);
  }
  return { entries, problems };
}

const describe = (name: string, issue: JobIssue): string =>
  `recipe ${name}: ${issue.path || '(recipe)'}: ${issue.message} [${issue.rule}]`;

/**
 * Reads DARKROOM_RECIPES' file and checks every recipe in it with `validateRecipe`, under the
 * deployment's legacy policy and scratch prefix, so a recipe that could never run stops the start
 * rather than a run. Every problem is reported at once, each naming the recipe and the issue's
 * path (`recipe product-card: steps.card.input.from: …`).
 * @throws {ConfigError} of DARKROOM_RECIPES when the file cannot be read, is not JSON, or holds a
 *   recipe that breaks a rule
 */
export async function loadNamedRecipes(
  file: string,
  options: LoadRecipesOptions,
): Promise<NamedRecipes> {
  const fail = (rules: string[]): never => {
    throw new ConfigError(rules.map((rule) => ({ variable: VARIABLE, rule })));
  };
  let text: string;
  try {
    text = await readFile(resolve(options.cwd ?? process.cwd(), file), 'utf8');
  } catch (err) {
    return fail([`cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`]);
  }
  let document: unknown;
  try {
    document = JSON.parse(text) as unknown;
  } catch {
    return fail([`${file} is not JSON`]);
  }
  const { entries, problems } = entriesOf(document);
  const recipes = new Map<string, Recipe>();
  for (const [name, recipe] of entries) {
    try {
      const checked = await validateRecipe(recipe, {
        legacyApi: options.legacyApi,
        ...(options.scratch ? { scratch: options.scratch } : {}),
      });
      recipes.set(name, checked);
    } catch (err) {
      if (!(err instanceof RecipeValidationError)) throw err;
      problems.push(...err.issues.map((issue) => describe(name, issue)));
    }
  }
  if (problems.length > 0) fail(problems.map((p) => `${file}: ${p}`));
  return recipes;
}
