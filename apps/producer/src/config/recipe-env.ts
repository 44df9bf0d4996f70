import { parsePrefix, StorageRefError } from '@darkroom/storage';
import { z } from 'zod';

/** An empty variable counts as unset, as `DARKROOM_SCRATCH=` in a compose file means none. */
const unsetWhenEmpty = (value: unknown): unknown => (value === '' ? undefined : value);

const SCRATCH_RULE =
  'must be a storage reference prefix ending in "/", such as s3://darkroom-scratch/runs/';

/**
 * DARKROOM_SCRATCH: where recipe runs write their intermediate files (`<scratch><runId>/…`),
 * given to `EditQueue` as `scratch`. A folder's reference ending in `/`, as the storage folder
 * parser (`parsePrefix`) accepts it: the bucket, account, container and every folder named follow
 * the providers' rules, with no empty or `..` segment. Unset: runs are refused with rule
 * `scratch_not_configured`.
 */
export const scratchEnv = z.preprocess(
  unsetWhenEmpty,
  z
    .string()
    .superRefine((prefix, ctx) => {
      if (!prefix.endsWith('/')) {
        ctx.addIssue({ code: 'custom', message: SCRATCH_RULE });
        return;
      }
      try {
        parsePrefix(prefix);
      } catch (err) {
        if (!(err instanceof StorageRefError)) throw err;
        ctx.addIssue({ code: 'custom', message: `${SCRATCH_RULE}: ${err.message}` });
      }
    })
    .optional(),
);

/**
 * DARKROOM_RECIPES: the path of a JSON file of named recipes, read and checked at start-up
 * (`loadNamedRecipes`). Unset: no named recipes; runs of a recipe given whole still work.
 */
export const recipesFileEnv = z.preprocess(unsetWhenEmpty, z.string().optional());
