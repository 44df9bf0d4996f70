import { mkdir, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import {
  exampleRecipesAt,
  localisedBannerRecipe,
  productCutoutRecipe,
  type EditQueue,
  type RecipeInput,
  type RecipeRunStatus,
} from '@darkroom/jobs';
import type { StorageRegistry } from '@darkroom/storage';
import type { MainJobLocations } from './main-job';
import type { ProductLook } from './samples';

/** The products the demo puts on product cards: a SKU each, and how its photo looks. */
export const DEMO_PRODUCTS: readonly { sku: string; look: ProductLook }[] = [
  { sku: 'bottle-001', look: 'bottle' },
  { sku: 'tin-002', look: 'tin' },
];

/** The banner's headline in each locale the demo writes a banner for. */
export const DEMO_HEADLINES: readonly { locale: string; headline: string }[] = [
  { locale: 'en-GB', headline: 'Summer sale' },
  { locale: 'fr', headline: 'Soldes d’été' },
  { locale: 'de', headline: 'Sommerschlussverkauf' },
];

/** One run of an example recipe the main job starts. */
export interface MainJobRun {
  /** `recipe product-cutout sku=bottle-001`: what the demo's line calls it. */
  label: string;
  recipe: RecipeInput;
  params: Record<string, string>;
}

/** `name=value` pairs, a value with spaces in quotes, for a run's line. */
const describeParams = (params: Record<string, string>): string =>
  Object.entries(params)
    .map(([name, value]) => `${name}=${/\s/.test(value) ? JSON.stringify(value) : value}`)
    .join(' ');

/**
 * The runs the main job starts after its edits: `product-cutout` for each demo product and
 * `localised-banner` for each locale, with their files under the run's folders.
 */
export function mainJobRuns(at: MainJobLocations): MainJobRun[] {
  const recipes = exampleRecipesAt(at);
  const run = (name: string, params: Record<string, string>): MainJobRun => {
    const recipe = recipes[name];
    if (!recipe) throw new Error(`no example recipe ${name}`);
    return { label: `recipe ${name} ${describeParams(params)}`, recipe, params };
  };
  return [
    ...DEMO_PRODUCTS.map(({ sku }) => run(productCutoutRecipe.name, { sku })),
    ...DEMO_HEADLINES.map((params) => run(localisedBannerRecipe.name, params)),
  ];
}

/**
 * Where the example recipes read their files under `at.inputs`, taken from the recipes
 * themselves so the samples land where the runs look: a product's photo by SKU, and the two
 * templates.
 */
export function recipeInputs(at: MainJobLocations): {
  productPhoto(sku: string): string;
  productCard: string;
  banner: string;
} {
  const recipes = exampleRecipesAt(at);
  const input = (recipe: string, step: string): string => {
    const ref = recipes[recipe]?.steps[step]?.input;
    if (typeof ref !== 'string') throw new Error(`${recipe}.${step} reads no file`);
    return ref;
  };
  const photo = input(productCutoutRecipe.name, 'cutout');
  return {
    productPhoto: (sku) => photo.replaceAll('{{sku}}', sku),
    productCard: input(productCutoutRecipe.name, 'card'),
    banner: input(localisedBannerRecipe.name, 'banner'),
  };
}

export interface RunOutcome {
  label: string;
  id: string;
  /** The run when it ended, or when the demo stopped waiting. */
  status: RecipeRunStatus;
  /** The run had not ended when the timeout passed. */
  timedOut: boolean;
  elapsedMs: number;
  /** Local copies of the run's outputs, when it completed. */
  files: { ref: string; path: string; size: number }[];
}

/** How often the demo looks at a run it waits for: each look is a few Redis reads. */
const RUN_POLL_MS = 200;

/** Looks at run `id` until it completes or fails, or `timeoutMs` pass. */
async function waitForRun(
  edits: EditQueue,
  id: string,
  timeoutMs: number,
): Promise<{ status: RecipeRunStatus; timedOut: boolean }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await edits.getRun(id);
    if (!status) throw new Error(`recipe run ${id} was removed while the demo waited for it`);
    if (status.state === 'completed' || status.state === 'failed') {
      return { status, timedOut: false };
    }
    if (Date.now() >= deadline) return { status, timedOut: true };
    await delay(RUN_POLL_MS);
  }
}

/**
 * The local path of an output: its place under the outputs folder (`products/tin-002/card.jpg`),
 * since runs of one recipe write files of the same names into folders of their own.
 */
function localPath(outDir: string, at: MainJobLocations, ref: string): string {
  const under = `${at.outputs}/`;
  return join(outDir, ref.startsWith(under) ? ref.slice(under.length) : basename(ref));
}

/**
 * Starts every run of {@link mainJobRuns}, reports each as it ends, and copies each completed
 * run's outputs into `outDir`, in the folders they have under the outputs (`banners/fr/…`).
 */
export async function runMainJobRecipes(options: {
  edits: EditQueue;
  storage: StorageRegistry;
  at: MainJobLocations;
  outDir: string;
  timeoutMs: number;
  onFinished?: (outcome: RunOutcome, done: number, total: number) => void;
}): Promise<RunOutcome[]> {
  const runs = mainJobRuns(options.at);
  const started = Date.now();
  const ids: string[] = [];
  for (const run of runs) {
    ids.push((await options.edits.enqueueRecipe({ recipe: run.recipe, params: run.params })).id);
  }
  let done = 0;
  return Promise.all(
    runs.map(async (run, i) => {
      const id = ids[i]!;
      const { status, timedOut } = await waitForRun(options.edits, id, options.timeoutMs);
      const files: RunOutcome['files'] = [];
      for (const ref of status.state === 'completed' ? (status.outputs ?? []) : []) {
        const bytes = await options.storage.download(ref);
        const path = localPath(options.outDir, options.at, ref);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, bytes);
        files.push({ ref, path, size: bytes.length });
      }
      const outcome = { label: run.label, id, status, timedOut, elapsedMs: Date.now() - started };
      done += 1;
      options.onFinished?.({ ...outcome, files }, done, runs.length);
      return { ...outcome, files };
    }),
  );
}
