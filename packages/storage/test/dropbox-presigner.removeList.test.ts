import {
  guardAgainstLeaks,
  startDropboxDouble,
  uniqueName,
  type DropboxDouble,
} from '@darkroom/testing';
import { isTransientStorageError, StorageBackendError, StorageRegistry } from '../src';
import { runRemoveListContract } from './contract/remove-list-contract';

guardAgainstLeaks();

describe('Dropbox remove and list against the Dropbox double', () => {
  let double: DropboxDouble;
  let registry: StorageRegistry;

  beforeAll(async () => {
    double = await startDropboxDouble();
    registry = new StorageRegistry({ dropbox: double.config });
  });

  afterAll(async () => {
    await registry?.close();
    await double?.close();
  });

  const newFolder = (): string => `dropbox:/Darkroom/runs/${uniqueName('run')}/`;

  runRemoveListContract('dropbox (double)', () => ({
    storage: registry,
    newFolder,
    root: 'dropbox:/',
  }));

  /** Sends one RPC call to the double as Dropbox's documentation writes it. */
  async function rpc(route: string, arg: unknown): Promise<{ status: number; body: unknown }> {
    const tokenReply = await fetch(double.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: double.refreshToken,
        client_id: double.appKey,
        client_secret: double.appSecret,
      }),
    });
    const { access_token: token } = (await tokenReply.json()) as { access_token: string };
    const response = await fetch(`${double.apiBaseUrl}/2/${route}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(arg),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.startsWith('application/json');
    return { status: response.status, body: json ? (JSON.parse(text) as unknown) : text };
  }

  describe('the double speaks Dropbox', () => {
    it('answers files/delete_v2 with the metadata of what it deleted, then path_lookup/not_found', async () => {
      const path = `/Darkroom/${uniqueName('del')}/Cut Out.png`;
      double.putFile(path, Buffer.from('png'));
      const deleted = await rpc('files/delete_v2', { path });
      expect(deleted).toMatchObject({
        status: 200,
        body: { metadata: { '.tag': 'file', path_display: path, size: 3 } },
      });
      expect(Object.keys(deleted.body as object)).toEqual(['metadata']);
      expect(await rpc('files/delete_v2', { path })).toEqual({
        status: 409,
        body: {
          error_summary: 'path_lookup/not_found/..',
          error: { '.tag': 'path_lookup', path_lookup: { '.tag': 'not_found' } },
        },
      });
    });

    it('deletes a folder with everything in it, as Dropbox does, which is why remove looks first', async () => {
      const folder = `/Darkroom/${uniqueName('folder')}`;
      double.putFile(`${folder}/a.png`, Buffer.from('a'));
      double.putFile(`${folder}/sub/b.png`, Buffer.from('b'));
      const deleted = await rpc('files/delete_v2', { path: folder });
      expect(deleted).toMatchObject({ status: 200, body: { metadata: { '.tag': 'folder' } } });
      expect(double.readFile(`${folder}/a.png`)).toBeUndefined();
      expect(double.readFile(`${folder}/sub/b.png`)).toBeUndefined();
    });

    it('pages files/list_folder through files/list_folder/continue with fresh cursors', async () => {
      const folder = `/Darkroom/${uniqueName('list')}`;
      for (const name of ['a.png', 'b.png', 'sub/c.png']) {
        double.putFile(`${folder}/${name}`, Buffer.from(name));
      }
      const first = await rpc('files/list_folder', { path: folder, recursive: true, limit: 2 });
      expect(first).toMatchObject({ status: 200, body: { has_more: true } });
      const { entries, cursor } = first.body as { entries: unknown[]; cursor: string };
      expect(entries).toHaveLength(2);
      const rest = await rpc('files/list_folder/continue', { cursor });
      expect(rest).toMatchObject({ status: 200, body: { has_more: false } });
      const paths = [...entries, ...(rest.body as { entries: unknown[] }).entries].map(
        (e) =>
          `${(e as Record<string, string>)['.tag']} ${(e as Record<string, string>).path_display}`,
      );
      expect(paths).toEqual([
        `file ${folder}/a.png`,
        `file ${folder}/b.png`,
        `folder ${folder}/sub`,
        `file ${folder}/sub/c.png`,
      ]);
      // A cursor is not spent: the first one still continues from where it stood.
      expect(await rpc('files/list_folder/continue', { cursor })).toMatchObject({
        status: 200,
        body: { has_more: false },
      });
    });

    it('refuses "/" as the root, lists a missing folder as path/not_found', async () => {
      const root = await rpc('files/list_folder', { path: '/' });
      expect(root.status).toBe(400);
      expect(root.body).toContain('empty string');
      expect(await rpc('files/list_folder', { path: `/${uniqueName('none')}` })).toEqual({
        status: 409,
        body: {
          error_summary: 'path/not_found/..',
          error: { '.tag': 'path', path: { '.tag': 'not_found' } },
        },
      });
    });
  });

  describe('Dropbox specifics', () => {
    it('lists with one files/list_folder and then files/list_folder/continue per page', async () => {
      const folder = newFolder();
      for (let i = 0; i < 5; i += 1) await registry.upload(`${folder}${i}.png`, 'x');
      const before = double.counts();
      const refs: string[] = [];
      for await (const ref of registry.list(folder, { pageSize: 2 })) refs.push(ref);
      expect(refs).toHaveLength(5);
      const after = double.counts();
      expect(after.listFolder - before.listFolder).toBe(1);
      expect(after.listFolderContinue - before.listFolderContinue).toBe(2);
    });

    it('lists the whole Dropbox from dropbox:/', async () => {
      const path = `/${uniqueName('top')}.png`;
      double.putFile(path, Buffer.from('top'));
      const refs: string[] = [];
      for await (const ref of registry.list('dropbox:/')) refs.push(ref);
      expect(refs).toContain(`dropbox:${path}`);
    });

    it('removes a file whatever the casing of its reference, as Dropbox paths are case-insensitive', async () => {
      const folder = newFolder();
      await registry.upload(`${folder}Mixed.PNG`, 'x');
      await expect(registry.remove(`${folder}mixed.png`)).resolves.toEqual({ existed: true });
      const refs: string[] = [];
      for await (const ref of registry.list(folder)) refs.push(ref);
      expect(refs).toEqual([]);
    });

    it('fails a removal transiently, naming the reference, when Dropbox is down', async () => {
      const ref = `${newFolder()}a.png`;
      double.failNextRpcCalls(1, 503);
      const err = (await registry.remove(ref).catch((e: unknown) => e)) as StorageBackendError;
      expect(err).toBeInstanceOf(StorageBackendError);
      expect(err).toMatchObject({ provider: 'dropbox', status: 503 });
      expect(isTransientStorageError(err)).toBe(true);
      expect(err.message).toContain(ref);
    });

    it('passes on rate limiting of a listing with its Retry-After, naming the folder', async () => {
      const folder = newFolder();
      double.failNextRpcCalls(1, 429, 4);
      const err = (await registry
        .list(folder)
        .next()
        .catch((e: unknown) => e)) as StorageBackendError;
      expect(err).toMatchObject({ status: 429, retryAfterSeconds: 4, transient: true });
      expect(err.message).toContain(folder);
    });
  });
});
