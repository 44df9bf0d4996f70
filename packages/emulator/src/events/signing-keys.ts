import { type KeyObject, createPrivateKey, generateKeyPair, randomBytes, sign } from 'node:crypto';

/** The two signatures of one delivery, with the paths of the public keys that verify them. */
export interface DeliverySignatures {
  'x-adobe-digital-signature-1': string;
  'x-adobe-digital-signature-2': string;
  'x-adobe-public-key1-path': string;
  'x-adobe-public-key2-path': string;
}

interface KeyPair {
  publicPem: string;
  privateKey: KeyObject;
}

function newKeyPair(): Promise<KeyPair> {
  return new Promise((resolve, reject) => {
    generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (err, publicPem, privatePem) => {
        if (err) reject(err);
        else resolve({ publicPem, privateKey: createPrivateKey(privatePem) });
      },
    );
  });
}

/** Where the emulator serves its public keys; the rest of the path is random per emulator. */
export const EVENT_KEYS_PREFIX = '/events/keys/';

/**
 * The two RSA-2048 key pairs Adobe I/O Events signs with, fresh for each emulator. Their paths
 * are fixed when the emulator starts; the pairs are generated on first use (a signature or a
 * key read), off the event loop, so emulators that publish nothing pay nothing.
 */
export class EventSigningKeys {
  readonly paths: readonly [string, string];
  private pairs: Promise<[KeyPair, KeyPair]> | undefined;

  constructor() {
    const name = () => `${EVENT_KEYS_PREFIX}pub-key-${randomBytes(9).toString('base64url')}.pem`;
    this.paths = [name(), name()];
  }

  private keys(): Promise<[KeyPair, KeyPair]> {
    this.pairs ??= Promise.all([newKeyPair(), newKeyPair()]);
    return this.pairs;
  }

  /** The PEM public key served at `path`, or undefined for a path that is not one of ours. */
  async publicKeyAt(path: string): Promise<string | undefined> {
    const slot = this.paths.indexOf(path);
    if (slot < 0) return undefined;
    const pairs = await this.keys();
    return pairs[slot]?.publicPem;
  }

  /**
   * RSA-SHA256 signatures of `body`, one per key, base64. `corrupt` signs other bytes, so
   * neither verifies against the body sent.
   */
  async sign(body: Buffer, corrupt = false): Promise<DeliverySignatures> {
    const [one, two] = await this.keys();
    const signed = corrupt ? Buffer.concat([body, Buffer.from('\n')]) : body;
    const signature = (pair: KeyPair) => sign('sha256', signed, pair.privateKey).toString('base64');
    return {
      'x-adobe-digital-signature-1': signature(one),
      'x-adobe-digital-signature-2': signature(two),
      'x-adobe-public-key1-path': this.paths[0],
      'x-adobe-public-key2-path': this.paths[1],
    };
  }
}
