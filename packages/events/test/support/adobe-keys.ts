import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { startServer, type TestServer } from './http-server';

export interface SigningKey {
  path: string;
  privateKey: KeyObject;
  pem: string;
}

export function signingKey(path: string): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { path, privateKey, pem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Base64 RSA-SHA256 of `body`, as Adobe puts in `x-adobe-digital-signature-N`. */
export function signBody(body: Buffer | string, key: SigningKey): string {
  return sign('sha256', Buffer.from(body), key.privateKey).toString('base64');
}

/** The delivery headers for `body`, signed by whichever of `key1` and `key2` is given. */
export function deliveryHeaders(
  body: Buffer | string,
  keys: { key1?: SigningKey; key2?: SigningKey },
): Record<string, string> {
  const headers: Record<string, string> = {};
  if (keys.key1) {
    headers['x-adobe-digital-signature-1'] = signBody(body, keys.key1);
    headers['x-adobe-public-key1-path'] = keys.key1.path;
  }
  if (keys.key2) {
    headers['x-adobe-digital-signature-2'] = signBody(body, keys.key2);
    headers['x-adobe-public-key2-path'] = keys.key2.path;
  }
  return headers;
}

/** A key server in the place of static.adobeioevents.com: serves each key's PEM at its path. */
export function startKeyServer(keys: SigningKey[]): Promise<TestServer> {
  return startServer((req, res) => {
    const key = keys.find((candidate) => candidate.path === req.url);
    if (key === undefined) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': 'application/x-pem-file' }).end(key.pem);
  });
}
