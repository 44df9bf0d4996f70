import { verify } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { closeOnce, closeServer } from '@darkroom/core';
import { waitFor } from '@darkroom/testing';
import { type JournalEntry, type PhotoshopJobEvent } from '../../src';

/** One POST the receiver got, with what its own signature check found. */
export interface Delivery {
  at: number;
  headers: IncomingHttpHeaders;
  raw: Buffer;
  event: PhotoshopJobEvent;
  /** Signature 1 or 2 verified against the key fetched from the key origin. */
  verified: boolean;
}

/** How the receiver answers one POST: a status, a reset socket, or no answer at all. */
export type Answer = number | 'reset' | 'hang';

/** How it answers the challenge GET. */
export type ChallengeMode = 'text' | 'json' | 'wrong';

export interface EventReceiver {
  /** The webhook URL (with a query string, as registrations often carry one). */
  url: string;
  deliveries: Delivery[];
  /** Challenges received (the `challenge` query value). */
  challenges: string[];
  /** Answers for the next POSTs, in order; after them, 200 (or 401 when no signature verifies). */
  script: Answer[];
  close(): Promise<void>;
}

const header = (headers: IncomingHttpHeaders, name: string): string => {
  const value = headers[name];
  return typeof value === 'string' ? value : '';
};

/**
 * A webhook as a Darkroom receiver would be: it answers the challenge, fetches the public keys
 * from `keyOrigin` at the paths each delivery names, and accepts a delivery when either
 * signature verifies over the raw body.
 */
export async function startEventReceiver(
  keyOrigin: string,
  mode: ChallengeMode = 'text',
): Promise<EventReceiver> {
  const keys = new Map<string, Promise<string>>();
  const keyAt = (path: string) => {
    let key = keys.get(path);
    if (!key) {
      key = fetch(`${keyOrigin}${path}`).then((r) => r.text());
      keys.set(path, key);
    }
    return key;
  };
  const verifies = async (raw: Buffer, headers: IncomingHttpHeaders, n: 1 | 2) => {
    const signature = header(headers, `x-adobe-digital-signature-${n}`);
    const path = header(headers, `x-adobe-public-key${n}-path`);
    if (!signature || !path) return false;
    return verify('sha256', raw, await keyAt(path), Buffer.from(signature, 'base64'));
  };
  const receiver: Omit<EventReceiver, 'url' | 'close'> = {
    deliveries: [],
    challenges: [],
    script: [],
  };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://receiver');
      if (req.method === 'GET') {
        const challenge = url.searchParams.get('challenge') ?? '';
        receiver.challenges.push(challenge);
        if (mode === 'json') res.writeHead(200, { 'content-type': 'application/json' });
        res.end(
          mode === 'json' ? JSON.stringify({ challenge }) : mode === 'text' ? challenge : 'nope',
        );
        return;
      }
      const raw = Buffer.concat(chunks);
      void (async () => {
        const verified =
          (await verifies(raw, req.headers, 1)) || (await verifies(raw, req.headers, 2));
        const event = JSON.parse(raw.toString('utf8')) as PhotoshopJobEvent;
        receiver.deliveries.push({ at: Date.now(), headers: req.headers, raw, event, verified });
        const answer = receiver.script.shift() ?? (verified ? 200 : 401);
        if (answer === 'reset') req.socket.destroy();
        else if (answer !== 'hang') res.writeHead(answer).end();
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/photoshop?token=hook-secret`,
    close: closeOnce(() => {
      const closed = closeServer(server);
      server.closeAllConnections();
      return closed;
    }),
  });
}

/** Waits until the receiver holds at least `n` deliveries, and returns them. */
export function waitForDeliveries(receiver: EventReceiver, n: number): Promise<Delivery[]> {
  return waitFor(() => (receiver.deliveries.length >= n ? receiver.deliveries : undefined), {
    timeoutMs: 10_000,
    what: `${n} event deliveries`,
  });
}

/** The status link an event's body carries (`_links.self.href`). */
export function selfHref(event: PhotoshopJobEvent): string {
  const links = event.event.body._links as { self?: { href?: unknown } } | undefined;
  return String(links?.self?.href);
}

/** A journal page as `GET /events/journal` answers it. */
export interface JournalPage {
  events: JournalEntry[];
  _page: { last: string; count: number };
}
