import {
  AZURITE_ACCOUNT_NAME,
  guardAgainstLeaks,
  startAzurite,
  startDropboxDouble,
  uniqueName,
  type AzuriteFixture,
  type DropboxDouble,
} from '@darkroom/testing';
import { startStack, type Stack } from './support/stack';

guardAgainstLeaks();

const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47]);

describe('each storage provider end to end', () => {
  let azurite: AzuriteFixture;
  let dropbox: DropboxDouble;
  let container: string;
  let stack: Stack;
  beforeAll(async () => {
    azurite = await startAzurite();
    container = await azurite.createContainer();
    dropbox = await startDropboxDouble();
    stack = await startStack({
      storage: {
        azure: { accounts: { [AZURITE_ACCOUNT_NAME]: azurite.config } },
        dropbox: dropbox.config,
      },
    });
    await stack.startWorker();
  });
  afterAll(async () => {
    await stack.close();
    await dropbox.close();
    await azurite.close();
  });

  const run = async (input: string, output: string) => {
    const { id } = await stack.edits.enqueue({
      operation: 'renditionCreate',
      input,
      outputs: [{ ref: output, type: 'image/png', width: 96 }],
    });
    return stack.edits.waitFor(id, { timeout: 30_000 });
  };

  it('reads from and writes to Azure Blob through SAS URLs scoped to one blob', async () => {
    const input = `azure://${AZURITE_ACCOUNT_NAME}/${container}/${uniqueName('in')}/input.jpg`;
    const output = `azure://${AZURITE_ACCOUNT_NAME}/${container}/${uniqueName('out')}/result.png`;
    await stack.put(input, await stack.jpeg(), 'image/jpeg');
    const done = await run(input, output);
    expect(done.failure).toBeUndefined();
    expect(done.state).toBe('completed');
    expect((await stack.get(output)).subarray(0, 4)).toEqual(PNG);
  });

  it('reads from and writes to Dropbox through temporary links', async () => {
    const input = `dropbox:/${uniqueName('in')}/input.jpg`;
    const output = `dropbox:/${uniqueName('out')}/result.png`;
    dropbox.putFile(input.slice('dropbox:'.length), await stack.jpeg());
    const done = await run(input, output);
    expect(done.failure).toBeUndefined();
    expect(done.state).toBe('completed');
    expect(dropbox.readFile(output.slice('dropbox:'.length))?.subarray(0, 4)).toEqual(PNG);
  });

  it('moves files between providers in one job: Dropbox in, S3 out', async () => {
    const input = `dropbox:/${uniqueName('in')}/input.jpg`;
    const output = `s3://${stack.outBucket}/${uniqueName('out')}.png`;
    dropbox.putFile(input.slice('dropbox:'.length), await stack.jpeg());
    const done = await run(input, output);
    expect(done.state).toBe('completed');
    expect((await stack.get(output)).subarray(0, 4)).toEqual(PNG);
  });

  it("writes a PSD's manifest to Dropbox through its upload link, from an input put there", async () => {
    const input = `dropbox:/${uniqueName('in')}/Sunflower.psd`;
    const output = `dropbox:/${uniqueName('out')}/manifest.json`;
    // Both writes go through StorageRegistry.upload: the stack's for the input, the worker's for
    // the manifest; Dropbox's upload links take a POST.
    await stack.put(input, await stack.sample('Sunflower.psd'));
    const { id } = await stack.edits.enqueue({
      operation: 'documentManifest',
      input,
      outputs: [{ ref: output }],
    });
    const done = await stack.edits.waitFor(id, { timeout: 30_000 });
    expect(done.failure).toBeUndefined();
    expect(done.state).toBe('completed');
    const text = (await stack.get(output)).toString();
    expect(text).not.toMatch(/https?:/);
    expect((JSON.parse(text) as { layers: unknown[] }).layers.length).toBeGreaterThan(0);
  });
});
