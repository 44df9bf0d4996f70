import { createServer, type Server } from 'node:http';
import { closeServer } from '../src';

function listening(): Promise<Server> {
  const server = createServer((_req, res) => res.end());
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('closeServer', () => {
  it('stops a listening server', async () => {
    const server = await listening();
    await closeServer(server);
    expect(server.listening).toBe(false);
  });

  it('treats a server that never listened as closed', async () => {
    await expect(closeServer(createServer())).resolves.toBeUndefined();
  });

  it('treats a second close of the same server as done', async () => {
    const server = await listening();
    await closeServer(server);
    await expect(closeServer(server)).resolves.toBeUndefined();
  });

  it('rejects with any other error the server reports', async () => {
    const failure = Object.assign(new Error('handle could not be released'), { code: 'EBUSY' });
    await expect(closeServer({ close: (callback) => callback(failure) })).rejects.toBe(failure);
  });
});
