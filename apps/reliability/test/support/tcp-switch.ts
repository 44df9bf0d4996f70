import { connect, createServer, type Server, type Socket } from 'node:net';
import { freePort } from '@darkroom/testing';

/** A loopback TCP forwarder that can be switched off (port closed, connections cut) and on. */
export interface TcpSwitch {
  url: string;
  port: number;
  /** Connections accepted so far. */
  connections(): number;
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startTcpSwitch(targetPort: number): Promise<TcpSwitch> {
  const port = await freePort();
  const sockets = new Set<Socket>();
  let accepted = 0;
  let server: Server | undefined;
  const up = async (): Promise<void> => {
    if (server) return;
    const s = createServer((socket) => {
      accepted += 1;
      const upstream = connect(targetPort, '127.0.0.1');
      sockets.add(socket).add(upstream);
      const end = (): void => {
        socket.destroy();
        upstream.destroy();
        sockets.delete(socket);
        sockets.delete(upstream);
      };
      socket.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      socket.pipe(upstream).pipe(socket);
    });
    server = s;
    await new Promise<void>((resolve) => s.listen(port, '127.0.0.1', resolve));
  };
  const down = async (): Promise<void> => {
    const s = server;
    server = undefined;
    if (!s) return;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    await new Promise<void>((resolve) => s.close(() => resolve()));
  };
  await up();
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    connections: () => accepted,
    up,
    down,
    close: down,
  };
}
