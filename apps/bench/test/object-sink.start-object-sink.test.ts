import { removeUnder, StorageRegistry } from '@darkroom/storage';
import { startObjectSink, type ObjectSink } from '../src/harness/object-sink';

/** The sink through Darkroom's own S3 storage code: the AWS SDK and presigned URLs. */
describe('startObjectSink', () => {
  let sink: ObjectSink;
  let storage: StorageRegistry;
  beforeEach(async () => {
    sink = await startObjectSink();
    storage = new StorageRegistry(sink.storageConfig);
  });
  afterEach(async () => {
    await storage.close();
    await sink.close();
  });

  const put = (ref: string, bytes = 3): Promise<void> =>
    storage.upload(ref, Buffer.alloc(bytes), 'image/png');

  it('stores sizes: HEAD answers them, GET returns that many bytes, a missing key is 404', async () => {
    await put('s3://scratch/runs/a b+c.png', 5);
    expect(await storage.stat('s3://scratch/runs/a b+c.png')).toMatchObject({
      exists: true,
      size: 5,
    });
    expect((await storage.download('s3://scratch/runs/a b+c.png')).length).toBe(5);
    expect((await storage.stat('s3://scratch/runs/missing.png')).exists).toBe(false);
    expect(sink.puts()).toBe(1);
  });

  it('lists a folder page by page (ListObjectsV2 with continuation tokens), in key order', async () => {
    const keys = [
      'runs/1/b.png',
      'runs/1/a.png',
      'runs/1/sub/c.png',
      'runs/10/d.png',
      'runs/2/e.png',
    ];
    for (const key of keys) await put(`s3://scratch/${key}`);
    await put('s3://other/runs/1/a.png');
    const listed: string[] = [];
    for await (const ref of storage.list('s3://scratch/runs/1/', { pageSize: 2 })) listed.push(ref);
    expect(listed).toEqual([
      's3://scratch/runs/1/a.png',
      's3://scratch/runs/1/b.png',
      's3://scratch/runs/1/sub/c.png',
    ]);
    const all: string[] = [];
    for await (const ref of storage.list('s3://scratch/', { pageSize: 1 })) all.push(ref);
    expect(all).toHaveLength(keys.length);
  });

  it('removes a folder with removeUnder (list, HEAD, DeleteObject) and leaves its neighbours', async () => {
    for (let i = 0; i < 7; i += 1) await put(`s3://scratch/runs/run-1/cutout/${i}.png`);
    await put('s3://scratch/runs/run-10/cutout/0.png');
    expect(sink.objectsUnder('scratch', 'runs/run-1/')).toBe(7);
    expect(await removeUnder(storage, 's3://scratch/runs/run-1/', { pageSize: 3 })).toBe(7);
    expect(sink.objectsUnder('scratch', 'runs/run-1/')).toBe(0);
    expect(sink.objectsUnder('scratch', 'runs/')).toBe(1);
    expect(sink.deletes()).toBe(7);
    // Removing again finds nothing: S3 and the sink answer a delete of a missing key alike.
    expect(await removeUnder(storage, 's3://scratch/runs/run-1/')).toBe(0);
  });

  it('answers what it does not implement with an S3 error document', async () => {
    const reply = await fetch(`${sink.endpoint}/scratch?list-type=2&delimiter=/`);
    expect(reply.status).toBe(501);
    expect(await reply.text()).toContain('<Code>NotImplemented</Code>');
    const badToken = await fetch(`${sink.endpoint}/scratch?list-type=2&continuation-token=%25%25`);
    expect(badToken.status).toBe(400);
  });
});
