import { randomBytes } from 'node:crypto';
import {
  guardAgainstLeaks,
  startAzurite,
  uniqueName,
  type AzuriteFixture,
} from '@darkroom/testing';
import {
  AZURE_SAS_VERSION,
  AzurePresigner,
  StorageBackendError,
  StorageRegistry,
  type AzureRef,
} from '../src';
import { recordingFetch, runPresignerContract } from './contract/presigner-contract';

guardAgainstLeaks();

describe('Azure presigner against Azurite', () => {
  let azurite: AzuriteFixture;
  let container: string;
  let registry: StorageRegistry;
  const recorder = recordingFetch();

  beforeAll(async () => {
    azurite = await startAzurite();
    container = await azurite.createContainer();
    registry = new StorageRegistry(
      { azure: { accounts: { [azurite.accountName]: azurite.config } } },
      { fetch: recorder.fetch },
    );
  }, 30_000);

  afterAll(async () => {
    await registry?.close();
    await azurite?.close();
  });

  const newRef = (blob = `renders/${uniqueName('obj')}.png`): AzureRef => ({
    scheme: 'azure',
    account: azurite.accountName,
    container,
    blob,
  });

  runPresignerContract(
    'azure (Azurite)',
    () => {
      const stale = new StorageRegistry(
        { azure: { accounts: { [azurite.accountName]: azurite.config } } },
        { clock: () => new Date(Date.now() - 2 * 3600_000) },
      );
      return {
        storage: registry,
        sent: recorder.sent,
        kind: 'azure',
        newRef: () => newRef(),
        expired: {
          presignRead: (ref) => stale.presignRead(ref, 60),
          presignWrite: (ref) => stale.presignWrite(ref, 60),
        },
        close: () => stale.close(),
      };
    },
    // Azurite checks SAS signatures, expiry and permissions as Azure does.
    { expiry: true, permissions: true, contentType: true, ttlBeyondCap: 'refused' },
  );

  it('scopes read SAS to one blob, read-only, and allows HTTP only on loopback', async () => {
    const read = new URL((await registry.presignRead(newRef(), 300)).href);
    expect(read.searchParams.get('sp')).toBe('r');
    expect(read.searchParams.get('sr')).toBe('b');
    expect(read.searchParams.get('spr')).toBe('https,http');
    expect(read.searchParams.get('sv')).toBe(AZURE_SAS_VERSION);
    const write = new URL((await registry.presignWrite(newRef(), 300)).href);
    expect(write.searchParams.get('sp')).toBe('cw');
  });

  it('binds no content type into a write SAS: a PUT with any Content-Type, or none, is taken', async () => {
    const ref = newRef();
    const write = await registry.presignWrite(ref, 300, { contentType: 'image/png' });
    const params = new URL(write.href).searchParams;
    // rsct/rscd and friends would be signed into the SAS; Darkroom sets none of them.
    expect([...params.keys()].filter((k) => /^rsc/.test(k))).toEqual([]);
    const bare = await fetch(write.href, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: randomBytes(64),
    });
    await bare.arrayBuffer();
    expect(bare.status).toBe(201);
    const typed = await fetch(write.href, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob', 'Content-Type': 'image/jpeg' },
      body: randomBytes(32),
    });
    await typed.arrayBuffer();
    expect(typed.status).toBe(201);
    const read = await fetch((await registry.presignRead(ref, 300)).href);
    await read.arrayBuffer();
    expect(read.headers.get('content-type')).toBe('image/jpeg');
  });

  it('allows HTTPS only for a real Azure endpoint (signed locally, no network)', async () => {
    const presigner = new AzurePresigner('photosprod', { accountKey: azurite.accountKey });
    const url = new URL((await presigner.presignRead(newRef(), 300)).href);
    expect(url.origin).toBe('https://photosprod.blob.core.windows.net');
    expect(url.searchParams.get('spr')).toBe('https');
    await presigner.close();
  });

  it('refuses a SAS signed with the wrong key', async () => {
    const ref = newRef();
    const wrongKey = Buffer.from(randomBytes(64)).toString('base64');
    const forged = new AzurePresigner(azurite.accountName, {
      accountKey: wrongKey,
      endpoint: azurite.endpoint,
    });
    const response = await fetch((await forged.presignWrite(ref, 300)).href, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: 'forged',
    });
    await response.arrayBuffer();
    expect(response.status).toBe(403);
    expect(await registry.stat(ref)).toEqual({ exists: false });
  });

  it('keeps blob names with spaces and non-ASCII letters intact', async () => {
    const ref = newRef(`${uniqueName('dir')}/a name+with ünïcode.png`);
    const bytes = randomBytes(512);
    const write = await registry.presignWrite(ref, 300);
    const put = await fetch(write.href, {
      method: 'PUT',
      headers: { 'x-ms-blob-type': 'BlockBlob' },
      body: bytes,
    });
    await put.arrayBuffer();
    expect(put.status).toBe(201);
    expect(await registry.stat(ref)).toMatchObject({ exists: true, size: 512 });
  });

  it('names the reference, the status and Azure code when an upload is refused, never the SAS', async () => {
    const ref = `azure://${azurite.accountName}/${uniqueName('gone')}/a.png`;
    const err = (await registry
      .upload(ref, randomBytes(10), 'image/png')
      .catch((e: unknown) => e)) as StorageBackendError;
    expect(err).toBeInstanceOf(StorageBackendError);
    expect(err).toMatchObject({ provider: 'azure', status: 404, code: 'ContainerNotFound' });
    expect(err.message).toContain(ref);
    expect(err.message).not.toMatch(/sig=|https?:/i);
  });
});
