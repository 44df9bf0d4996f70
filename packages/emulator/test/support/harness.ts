/* eslint-disable @typescript-eslint/no-unsafe-member-access --
   replies are JSON documents that these tests read field by field */
import { closeAll, closeOnce } from '@darkroom/core';
import { waitFor } from '@darkroom/testing';
import { createEmulator, DEFAULT_CLIENT, type Emulator, type EmulatorOptions } from '../../src';
import { type FileServer, startFileServer } from './file-server';

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any family's JSON document
  body: any;
}

export interface Harness {
  emulator: Emulator;
  files: FileServer;
  token: string;
  headers: Record<string, string>;
  post(path: string, body: unknown, headers?: Record<string, string>): Promise<Reply>;
  get(url: string, headers?: Record<string, string>): Promise<Reply>;
  /** Polls a status link until the job reports succeeded or failed. */
  waitDone(link: string): Promise<Reply>;
  close(): Promise<void>;
}

export async function issueToken(
  origin: string,
  clientId: string,
  clientSecret: string,
): Promise<Reply> {
  const response = await fetch(`${origin}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: clientId,
      client_secret: clientSecret,
      scope: 'openid,AdobeID,read_organizations',
    }).toString(),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

async function toReply(response: Response): Promise<Reply> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Plain-text replies (hello) stay strings.
  }
  return { status: response.status, headers: response.headers, body };
}

export function terminalStatus(body: unknown): string | undefined {
  const doc = body as { status?: unknown; outputs?: Array<{ status?: unknown }> } | undefined;
  const status = doc?.status ?? doc?.outputs?.[0]?.status;
  return status === 'succeeded' || status === 'failed' ? status : undefined;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const files = await startFileServer();
  // Rate limits are off unless a test asks for them (`limits: {}` means Adobe's defaults), so
  // suites with many jobs do not trip Adobe's 16-per-3-s budget by accident.
  const emulator = await createEmulator({ timeFactor: 0, limits: false, ...options });
  const issued = await issueToken(
    emulator.url,
    DEFAULT_CLIENT.clientId,
    DEFAULT_CLIENT.clientSecret,
  );
  const token = String(issued.body.access_token);
  const headers = {
    authorization: `Bearer ${token}`,
    'x-api-key': DEFAULT_CLIENT.clientId,
    'content-type': 'application/json',
  };
  const harness: Harness = {
    emulator,
    files,
    token,
    headers,
    post: async (path, body, extra = {}) =>
      toReply(
        await fetch(`${emulator.url}${path}`, {
          method: 'POST',
          headers: { ...headers, ...extra },
          body: JSON.stringify(body),
        }),
      ),
    get: async (url, extra = {}) =>
      toReply(
        await fetch(url.startsWith('http') ? url : `${emulator.url}${url}`, {
          headers: { ...headers, ...extra },
        }),
      ),
    waitDone: (link) =>
      waitFor(
        async () => {
          const reply = await harness.get(link);
          return reply.status === 200 && terminalStatus(reply.body) ? reply : undefined;
        },
        { timeoutMs: 20_000, what: `job at ${link} to finish` },
      ),
    close: closeOnce(() => closeAll([() => emulator.close(), () => files.close()])),
  };
  return harness;
}

/** The status link of a 202 reply from either generation. */
export function statusLink(reply: Reply): string {
  const link: unknown = reply.body?._links?.self?.href ?? reply.body?.statusUrl;
  if (typeof link !== 'string') throw new Error(`no status link in ${JSON.stringify(reply.body)}`);
  return link;
}
