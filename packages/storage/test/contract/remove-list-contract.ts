import { randomBytes } from 'node:crypto';
import { startTestTracing, type TestTracing } from '@darkroom/tracing/testing';
import { SPAN_ATTRIBUTES, SPAN_NAMES } from '@darkroom/tracing';
import { PrefixRefusedError, removeUnder, type StorageRegistry } from '../../src';

/** What the remove-and-list contract needs from a storage backend under test. */
export interface RemoveListHarness {
  /** A registry wired to the backend. */
  storage: StorageRegistry;
  /**
   * A fresh folder no other test uses, with its trailing `/`, in a bucket, container or Dropbox
   * that exists: `s3://<bucket>/runs/<unique>/`.
   */
  newFolder(): string;
  /** The root that holds those folders: `s3://<bucket>/`, `azure://<account>/<container>/`, `dropbox:/`. */
  root: string;
  close?(): Promise<void>;
}

async function listAll(
  storage: StorageRegistry,
  prefix: string,
  pageSize?: number,
): Promise<string[]> {
  const refs: string[] = [];
  for await (const ref of storage.list(prefix, pageSize === undefined ? {} : { pageSize })) {
    refs.push(ref);
  }
  return refs.sort();
}

/**
 * The behaviour `remove`, `list` and `removeUnder` must show on every provider, against a real
 * backend, in the style of `runPresignerContract`. `makeHarness` runs in this block's beforeAll.
 */
export function runRemoveListContract(
  name: string,
  makeHarness: () => RemoveListHarness | Promise<RemoveListHarness>,
): void {
  describe(`remove and list contract: ${name}`, () => {
    let h: RemoveListHarness;
    let tracing: TestTracing;

    beforeAll(async () => {
      h = await makeHarness();
      tracing = startTestTracing();
    }, 30_000);

    afterAll(async () => {
      await tracing?.stop();
      await h?.close?.();
    });

    const write = (ref: string): Promise<void> => h.storage.upload(ref, randomBytes(64));
    /** Beside the folder, with the folder's name as the start of its own: `runs/42x/…`. */
    const besideOf = (folder: string): string => `${folder.slice(0, -1)}x/beside.png`;
    const listSpans = () => tracing.spans().filter((s) => s.name === SPAN_NAMES.storageList);

    it('lists exactly the objects below a folder, at any depth, and none beside it', async () => {
      const folder = h.newFolder();
      await write(`${folder}a.png`);
      await write(`${folder}sub/deeper/b.png`);
      await write(besideOf(folder));
      const expected = [`${folder}a.png`, `${folder}sub/deeper/b.png`];
      expect(await listAll(h.storage, folder)).toEqual(expected);
      // The same folder written without its "/" (never the sibling that starts like it).
      expect(await listAll(h.storage, folder.slice(0, -1))).toEqual(expected);
      expect(await listAll(h.storage, `${folder}sub/`)).toEqual([`${folder}sub/deeper/b.png`]);
    });

    it('lists nothing under a folder that holds nothing', async () => {
      tracing.reset();
      expect(await listAll(h.storage, h.newFolder())).toEqual([]);
      expect(listSpans()).toHaveLength(1);
    });

    it('removes an object once: existed, then not, and a never-written one did not exist', async () => {
      const folder = h.newFolder();
      const ref = `${folder}once.png`;
      await write(ref);
      await write(`${folder}stays.png`);
      tracing.reset();
      await expect(h.storage.remove(ref)).resolves.toEqual({ existed: true });
      const [span] = tracing.spans().filter((s) => s.name === SPAN_NAMES.storageRemove);
      expect(span?.attributes[SPAN_ATTRIBUTES.storageExists]).toBe(true);
      expect(await h.storage.stat(ref)).toEqual({ exists: false });
      await expect(h.storage.remove(ref)).resolves.toEqual({ existed: false });
      await expect(h.storage.remove(`${folder}never.png`)).resolves.toEqual({ existed: false });
      expect(await listAll(h.storage, folder)).toEqual([`${folder}stays.png`]);
    });

    it('leaves a folder and what is in it alone when given its name as an object', async () => {
      const folder = h.newFolder();
      await write(`${folder}kept.png`);
      await expect(h.storage.remove(folder.slice(0, -1))).resolves.toEqual({ existed: false });
      expect(await listAll(h.storage, folder)).toEqual([`${folder}kept.png`]);
    });

    it('removes everything under a folder with removeUnder, and nothing beside it', async () => {
      const folder = h.newFolder();
      for (const name of ['one.png', 'two.png', 'sub/three.png']) await write(`${folder}${name}`);
      await write(besideOf(folder));
      await expect(removeUnder(h.storage, folder)).resolves.toBe(3);
      expect(await listAll(h.storage, folder)).toEqual([]);
      expect(await h.storage.stat(besideOf(folder))).toMatchObject({ exists: true });
      // Nothing left: a second cleanup of the same run removes nothing and does not fail.
      await expect(removeUnder(h.storage, folder)).resolves.toBe(0);
    });

    it('pages through a listing larger than the page size, one request per page', async () => {
      const folder = h.newFolder();
      const refs = Array.from({ length: 7 }, (_, i) => `${folder}${i % 2 ? 'odd/' : ''}${i}.png`);
      for (const ref of refs) await write(ref);
      tracing.reset();
      expect(await listAll(h.storage, folder, 3)).toEqual([...refs].sort());
      // Dropbox counts folder entries against its `limit` too, so pages may hold fewer files.
      const counts = listSpans().map((s) =>
        Number(s.attributes[SPAN_ATTRIBUTES.storageObjectCount]),
      );
      expect(counts.length).toBeGreaterThanOrEqual(3);
      expect(counts.every((count) => count <= 3)).toBe(true);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(7);
      await expect(removeUnder(h.storage, folder, { pageSize: 3, concurrency: 2 })).resolves.toBe(
        7,
      );
      expect(await listAll(h.storage, folder)).toEqual([]);
    });

    it('refuses to remove under a root or a folder without its "/", and removes nothing', async () => {
      const folder = h.newFolder();
      await write(`${folder}safe.png`);
      const atRoot = removeUnder(h.storage, h.root);
      await expect(atRoot).rejects.toBeInstanceOf(PrefixRefusedError);
      await expect(atRoot).rejects.toMatchObject({ rule: 'root_folder', prefix: h.root });
      const noSlash = removeUnder(h.storage, folder.slice(0, -1));
      await expect(noSlash).rejects.toMatchObject({ rule: 'no_trailing_slash', prefix: folder });
      expect(await listAll(h.storage, folder)).toEqual([`${folder}safe.png`]);
    });
  });
}
