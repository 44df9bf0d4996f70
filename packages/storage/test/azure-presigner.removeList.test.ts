import {
  guardAgainstLeaks,
  startAzurite,
  uniqueBucketName,
  uniqueName,
  type AzuriteFixture,
} from '@darkroom/testing';
import { StorageBackendError, StorageRegistry } from '../src';
import { runRemoveListContract } from './contract/remove-list-contract';

guardAgainstLeaks();

describe('Azure remove and list against Azurite', () => {
  let azurite: AzuriteFixture;
  let container: string;
  let registry: StorageRegistry;

  beforeAll(async () => {
    azurite = await startAzurite();
    container = await azurite.createContainer();
    registry = new StorageRegistry({
      azure: { accounts: { [azurite.accountName]: azurite.config } },
    });
  }, 30_000);

  afterAll(async () => {
    await registry?.close();
    await azurite?.close();
  });

  runRemoveListContract('azure (Azurite)', () => ({
    storage: registry,
    newFolder: () => `azure://${azurite.accountName}/${container}/runs/${uniqueName('run')}/`,
    root: `azure://${azurite.accountName}/${container}/`,
  }));

  it('names the folder, the status and Azure code when a listing is refused, never the URL', async () => {
    const prefix = `azure://${azurite.accountName}/${uniqueBucketName('gone')}/runs/`;
    const err = (await registry
      .list(prefix)
      .next()
      .catch((e: unknown) => e)) as StorageBackendError;
    expect(err).toBeInstanceOf(StorageBackendError);
    expect(err).toMatchObject({ provider: 'azure', status: 404, code: 'ContainerNotFound' });
    expect(err.message).toContain(prefix);
    expect(err.message).not.toMatch(/sig=|https?:/i);
  });

  it('fails a removal in a missing container instead of calling the blob missing', async () => {
    const ref = `azure://${azurite.accountName}/${uniqueBucketName('gone')}/runs/a.png`;
    const err = (await registry.remove(ref).catch((e: unknown) => e)) as StorageBackendError;
    expect(err).toBeInstanceOf(StorageBackendError);
    expect(err).toMatchObject({ status: 404, code: 'ContainerNotFound', transient: false });
    expect(err.message).toContain(ref);
  });
});
