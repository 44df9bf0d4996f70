import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import fc from 'fast-check';
import { S3Presigner, type S3Ref, type S3TargetConfig } from '../src';

// S3Presigner signs with @smithy/signature-v4 directly instead of the AWS SDK's presigner; these
// tests hold every URL it makes to be the very string `getSignedUrl` makes for the same request,
// signature included. (s3rver does not check signatures, so the contract suite cannot.)

const SIGNING_DATE = new Date('2026-03-04T05:06:07Z');
// Assembled at run time: no credential-shaped literal in the source.
const credentials = (token?: string): NonNullable<S3TargetConfig['credentials']> => ({
  accessKeyId: ['AKIA', 'PARITY', 'TEST0001'].join(''),
  secretAccessKey: ['parity', 'secret', 'for', 'tests'].join('/'),
  ...(token === undefined ? {} : { sessionToken: token }),
});

const TARGETS: Record<string, S3TargetConfig> = {
  'AWS, virtual-hosted': { region: 'eu-west-1', forcePathStyle: false, credentials: credentials() },
  'AWS us-east-1 with a session token': {
    region: 'us-east-1',
    forcePathStyle: false,
    credentials: credentials('session/token+with=odd chars'),
  },
  'AWS, path-style': { region: 'ap-southeast-2', forcePathStyle: true, credentials: credentials() },
  'S3-compatible on a port (s3rver, MinIO)': {
    region: 'us-east-1',
    endpoint: 'http://127.0.0.1:4568',
    forcePathStyle: true,
    credentials: credentials(),
  },
  'S3-compatible behind https with a path prefix': {
    region: 'auto',
    endpoint: 'https://storage.example.com/s3',
    forcePathStyle: true,
    credentials: credentials(),
  },
};

const BUCKETS = ['photos', 'my.dotted.bucket', 'a-b-c-123'];
const KEYS = [
  'in/sunflower.psd',
  'a name+with ünïcode & (brackets).png',
  "odd!'()*~chars/é/日本.jpg",
  'deep/a//double/slash.png',
  'percent%20already-encoded.png',
  'trailing/',
];

interface Case {
  label: string;
  target: string;
  method: 'GET' | 'PUT' | 'HEAD';
  contentType?: string;
}

async function sdkUrl(
  target: S3TargetConfig,
  ref: S3Ref,
  method: Case['method'],
  ttl: number,
  contentType?: string,
): Promise<string> {
  const client = new S3Client({
    region: target.region,
    forcePathStyle: target.forcePathStyle,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    ...(target.credentials === undefined ? {} : { credentials: target.credentials }),
  });
  try {
    const input = { Bucket: ref.bucket, Key: ref.key };
    const command =
      method === 'GET'
        ? new GetObjectCommand(input)
        : method === 'HEAD'
          ? new HeadObjectCommand(input)
          : new PutObjectCommand({
              ...input,
              ...(contentType === undefined ? {} : { ContentType: contentType }),
            });
    // The SDK's default: a PutObject's ContentType is left out of the signature.
    return await getSignedUrl(client, command, { expiresIn: ttl, signingDate: SIGNING_DATE });
  } finally {
    client.destroy();
  }
}

describe('S3Presigner signs exactly as the AWS SDK presigner', () => {
  const presigners = new Map<string, S3Presigner>();
  const presigner = (name: string): S3Presigner => {
    let p = presigners.get(name);
    if (p === undefined) {
      p = new S3Presigner(TARGETS[name]!, { clock: () => SIGNING_DATE });
      presigners.set(name, p);
    }
    return p;
  };

  afterAll(async () => {
    await Promise.all([...presigners.values()].map((p) => p.close()));
  });

  const cases: Case[] = Object.keys(TARGETS).flatMap((target) => [
    { label: 'GET', target, method: 'GET' },
    { label: 'HEAD', target, method: 'HEAD' },
    { label: 'PUT', target, method: 'PUT' },
    {
      label: 'PUT with a content type (unsigned)',
      target,
      method: 'PUT',
      contentType: 'image/png',
    },
  ]);

  it.each(cases)('$target: $label', async ({ target, method, contentType }) => {
    const p = presigner(target);
    for (const bucket of BUCKETS) {
      for (const key of KEYS) {
        const ref: S3Ref = { scheme: 's3', bucket, key };
        const ours =
          method === 'GET'
            ? (await p.presignRead(ref, 3600)).href
            : method === 'HEAD'
              ? (await p.presignHead(ref, 3600)).href
              : (await p.presignWrite(ref, 3600, contentType ? { contentType } : {})).href;
        expect({ bucket, key, url: ours }).toEqual({
          bucket,
          key,
          url: await sdkUrl(TARGETS[target]!, ref, method, 3600, contentType),
        });
      }
    }
  });

  it('matches for arbitrary keys, TTLs and content types', async () => {
    const target = TARGETS['AWS, virtual-hosted']!;
    const p = presigner('AWS, virtual-hosted');
    await fc.assert(
      fc.asyncProperty(
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 7 * 24 * 3600 }),
        fc.option(fc.constantFrom('image/png', 'image/jpeg', 'application/json'), {
          nil: undefined,
        }),
        async (key, ttl, contentType) => {
          const ref: S3Ref = { scheme: 's3', bucket: 'photos', key };
          const ours = (await p.presignWrite(ref, ttl, contentType ? { contentType } : {})).href;
          expect(ours).toBe(await sdkUrl(target, ref, 'PUT', ttl, contentType));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('refuses buckets that need a signing scheme it does not implement', async () => {
    // An S3 Express One Zone directory bucket: session-based auth, not plain SigV4.
    const p = presigner('AWS, virtual-hosted');
    const promise = p.presignRead({ scheme: 's3', bucket: 'photos--euw1-az1--x-s3', key: 'k' }, 60);
    await expect(promise).rejects.toMatchObject({
      name: 'StorageBackendError',
      code: 'UnsupportedAuthScheme',
    });
  });
});
