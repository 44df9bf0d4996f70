import { mkdir, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { EditJobInput, EditJobStatus, EditQueue } from '@darkroom/jobs';
import type { StorageRegistry } from '@darkroom/storage';
import { DEMO_PRODUCTS, recipeInputs } from './main-job-recipes';
import {
  bannerPsd,
  landscapeJpeg,
  posterPsd,
  productCardPsd,
  productJpeg,
  productPng,
} from './samples';

export interface MainJobEdit {
  label: string;
  job: EditJobInput;
}

/** Where the main job reads its samples from and writes its results to. */
export interface MainJobLocations {
  /** Reference prefix for inputs, e.g. `s3://darkroom-in/demo`. */
  inputs: string;
  /** Reference prefix for outputs, e.g. `s3://darkroom-out/demo`. */
  outputs: string;
}

/** The batch the main job runs: one of each kind of edit Darkroom users run most. */
export function mainJobEdits(at: MainJobLocations): MainJobEdit[] {
  const poster = `${at.inputs}/poster.psd`;
  const photo = `${at.inputs}/landscape.jpg`;
  const product = `${at.inputs}/product.png`;
  const out = (name: string) => `${at.outputs}/${name}`;
  return [
    {
      label: 'renditions of a layered PSD (JPEG, PNG, TIFF at three sizes)',
      job: {
        operation: 'v2.createComposite',
        input: poster,
        outputs: [
          { ref: out('poster-1200.jpg'), mediaType: 'image/jpeg', width: 1200, quality: 'high' },
          { ref: out('poster-600.png'), mediaType: 'image/png', width: 600, compression: 'medium' },
          { ref: out('poster-300.tif'), mediaType: 'image/tiff', width: 300 },
        ],
      },
    },
    {
      label: 'manifest of the PSD (document and layer tree)',
      job: {
        operation: 'v2.generateManifest',
        input: poster,
        outputs: [{ ref: out('poster-manifest.json'), mediaType: 'application/json' }],
      },
    },
    {
      label: 'layer edit: hide the Badge layer, render JPEG and save the PSD',
      job: {
        operation: 'v2.createComposite',
        input: poster,
        options: {
          edits: { layers: [{ name: 'Badge', operation: { type: 'edit' }, isVisible: false }] },
        },
        outputs: [
          { ref: out('poster-no-badge.jpg'), mediaType: 'image/jpeg', width: 800 },
          { ref: out('poster-no-badge.psd'), mediaType: 'image/vnd.adobe.photoshop' },
        ],
      },
    },
    {
      label: 'product on white: background removed, trimmed to the product',
      job: {
        operation: 'v2.removeBackground',
        input: product,
        options: {
          mode: 'cutout',
          trim: true,
          backgroundColor: { red: 255, green: 255, blue: 255, alpha: 1 },
        },
        outputs: [{ ref: out('product-on-white.jpg'), mediaType: 'image/jpeg' }],
      },
    },
    {
      label: 'remove background: cut the product out',
      job: {
        operation: 'v2.removeBackground',
        input: product,
        options: { mode: 'cutout' },
        outputs: [{ ref: out('product-cutout.png'), mediaType: 'image/png' }],
      },
    },
    {
      label: 'auto tone on a flat photo',
      job: {
        operation: 'v2.edit',
        input: photo,
        options: { edits: { autoTone: true } },
        outputs: [{ ref: out('landscape-autotone.jpg'), mediaType: 'image/jpeg' }],
      },
    },
  ];
}

/**
 * Writes the generated samples to the input locations: the edits' poster, photo and product
 * shot, and what the example recipes read (each demo product's photo by SKU, the product-card
 * and banner templates).
 */
export async function uploadSamples(storage: StorageRegistry, at: MainJobLocations): Promise<void> {
  const psd = 'image/vnd.adobe.photoshop';
  const forRecipes = recipeInputs(at);
  const samples: [string, () => Buffer | Promise<Buffer>, string][] = [
    [`${at.inputs}/poster.psd`, () => posterPsd(), psd],
    [`${at.inputs}/landscape.jpg`, () => landscapeJpeg(), 'image/jpeg'],
    [`${at.inputs}/product.png`, () => productPng(), 'image/png'],
    ...DEMO_PRODUCTS.map(({ sku, look }): [string, () => Promise<Buffer>, string] => [
      forRecipes.productPhoto(sku),
      () => productJpeg(look),
      'image/jpeg',
    ]),
    [forRecipes.productCard, () => productCardPsd(), psd],
    [forRecipes.banner, () => bannerPsd(), psd],
  ];
  for (const [ref, draw, contentType] of samples) {
    await storage.upload(ref, await draw(), contentType);
  }
}

export interface EditOutcome {
  label: string;
  id: string;
  status: EditJobStatus;
  elapsedMs: number;
  /** Local copies of the outputs, when the job completed. */
  files: { ref: string; path: string; size: number }[];
}

/**
 * Enqueues the batch, reports each edit as it finishes, and copies every output into `outDir`
 * so a person can open them.
 */
export async function runMainJob(options: {
  edits: EditQueue;
  storage: StorageRegistry;
  at: MainJobLocations;
  outDir: string;
  timeoutMs: number;
  onFinished?: (outcome: EditOutcome, done: number, total: number) => void;
}): Promise<EditOutcome[]> {
  const batch = mainJobEdits(options.at);
  await mkdir(options.outDir, { recursive: true });
  const started = Date.now();
  const results = await options.edits.enqueueMany(batch.map((b) => b.job));
  let done = 0;
  return Promise.all(
    batch.map(async (edit, i) => {
      const id = results[i]!.id;
      const status = await options.edits.waitFor(id, { timeout: options.timeoutMs });
      const files: EditOutcome['files'] = [];
      if (status.state === 'completed') {
        for (const output of status.result?.outputs ?? []) {
          const bytes = await options.storage.download(output.ref);
          const path = join(options.outDir, basename(output.ref));
          await writeFile(path, bytes);
          files.push({ ref: output.ref, path, size: bytes.length });
        }
      }
      const outcome = { label: edit.label, id, status, elapsedMs: Date.now() - started, files };
      done += 1;
      options.onFinished?.(outcome, done, batch.length);
      return outcome;
    }),
  );
}
