import { CloseError } from '@darkroom/core';
import { StorageRegistry, type Presigner, type StorageConfig } from '../src';

// S3 and Azure presigners sign locally, so a registry can create both without any server.
const config: StorageConfig = {
  s3: {
    default: { region: 'eu-west-1', credentials: { accessKeyId: 'AKIA', secretAccessKey: 's' } },
  },
  azure: { accounts: { acct01: { accountKey: Buffer.from('account key').toString('base64') } } },
};

/** Makes `presigner.close()` do its real work, then fail with `failure`. */
function failClose(presigner: Presigner, failure: Error): jest.SpyInstance {
  const close = presigner.close!.bind(presigner);
  return jest.spyOn(presigner, 'close').mockImplementation(async () => {
    await close();
    throw failure;
  });
}

describe('StorageRegistry.close', () => {
  it('rejects with a presigner that failed to close, and still closes the others', async () => {
    const registry = new StorageRegistry(config);
    const s3 = registry.presignerFor('s3://photos/a.png');
    const azure = registry.presignerFor('azure://acct01/renders/a.png');
    const failure = new Error('s3 client would not let go');
    failClose(s3, failure);
    const azureClose = jest.spyOn(azure, 'close');

    await expect(registry.close()).rejects.toBe(failure);
    expect(azureClose).toHaveBeenCalledTimes(1);
  });

  it('reports every presigner that failed, not just the first', async () => {
    const registry = new StorageRegistry(config);
    failClose(registry.presignerFor('s3://photos/a.png'), new Error('s3 failed'));
    failClose(registry.presignerFor('azure://acct01/renders/a.png'), new Error('azure failed'));

    const err = await registry.close().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloseError);
    expect((err as CloseError).errors.map((e: Error) => e.message).sort()).toEqual([
      'azure failed',
      's3 failed',
    ]);
  });

  it('gives a second caller the same failure without closing again', async () => {
    const registry = new StorageRegistry(config);
    const spy = failClose(registry.presignerFor('s3://photos/a.png'), new Error('s3 failed'));
    const first = registry.close();
    expect(registry.close()).toBe(first);
    await expect(first).rejects.toThrow('s3 failed');
    expect(spy).toHaveBeenCalledTimes(1);
  });
});
