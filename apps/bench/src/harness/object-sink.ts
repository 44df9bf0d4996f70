import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo, type Socket } from 'node:net';
import type { StorageConfig } from '@darkroom/storage';

/** A storage endpoint that remembers only sizes, so storage never limits a measurement. */
export interface ObjectSink {
  endpoint: string;
  /** An S3 config whose presigned URLs point at the sink (signing is local; nothing checks it). */
  storageConfig: StorageConfig;
  puts(): number;
  /** DeleteObject requests answered so far (S3 answers them whether or not the key was there). */
  deletes(): number;
  /** Objects stored under `prefix` in `bucket` now (`prefix` `''`: the whole bucket). */
  objectsUnder(bucket: string, prefix: string): number;
  close(): Promise<void>;
}

interface StoredObject {
  size: number;
  modifiedAt: Date;
}

/** S3's namespace for its XML replies. */
const S3_XML_NAMESPACE = 'http://s3.amazonaws.com/doc/2006-03-01/';
/** ListObjectsV2 returns at most 1,000 keys a page, also when asked for more. */
const LIST_MAX_KEYS = 1_000;
/** The ETag every object gets: the sink keeps no bytes to hash. */
const ETAG = '"sink"';

/** A request refused the way S3 refuses it: a status and an `<Error>` document. */
class S3ErrorReply extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = this.constructor.name;
  }
}

const escapeXml = (text: string): string =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!,
  );

/** S3 lists keys in the byte order of their UTF-8 encoding, not JavaScript's UTF-16 order. */
const utf8Order = (a: string, b: string): number =>
  Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/** Bucket and key of a path-style request path (`/bucket/a/b.png`); the key may be empty. */
function splitPath(path: string): { bucket: string; key: string } {
  const slash = path.indexOf('/', 1);
  const raw =
    slash === -1
      ? { bucket: path.slice(1), key: '' }
      : {
          bucket: path.slice(1, slash),
          key: path.slice(slash + 1),
        };
  try {
    return { bucket: decodeURIComponent(raw.bucket), key: decodeURIComponent(raw.key) };
  } catch {
    throw new S3ErrorReply(400, 'InvalidURI', 'Could not parse the specified URI.');
  }
}

/** Where a listing starts: after its continuation token's key, or after `start-after`. */
function listStart(query: URLSearchParams): string | undefined {
  const token = query.get('continuation-token');
  if (token === null) return query.get('start-after') ?? undefined;
  const key = Buffer.from(token, 'base64url').toString('utf8');
  if (token === '' || Buffer.from(key, 'utf8').toString('base64url') !== token) {
    throw new S3ErrorReply(400, 'InvalidArgument', 'The continuation token provided is incorrect');
  }
  return key;
}

/**
 * One page of ListObjectsV2 (`GET /<bucket>?list-type=2`): keys under `prefix` after the
 * continuation token (the last key of the previous page, base64url: opaque to clients, as S3's
 * are), at most `max-keys` of them, in S3's reply format. `delimiter` (common prefixes) is not
 * implemented: the reply says so rather than listing without it.
 */
function listObjectsV2(
  objects: ReadonlyMap<string, StoredObject>,
  bucket: string,
  query: URLSearchParams,
): string {
  if (query.has('delimiter')) {
    throw new S3ErrorReply(501, 'NotImplemented', 'The sink lists without a delimiter only.');
  }
  const maxKeysText = query.get('max-keys');
  const maxKeys = maxKeysText === null ? LIST_MAX_KEYS : Number(maxKeysText);
  if (!Number.isSafeInteger(maxKeys) || maxKeys < 0) {
    throw new S3ErrorReply(
      400,
      'InvalidArgument',
      'Provided max-keys not an integer or within integer range',
    );
  }
  const prefix = query.get('prefix') ?? '';
  const after = listStart(query);
  const urlEncoded = query.get('encoding-type') === 'url';
  if (query.has('encoding-type') && !urlEncoded) {
    throw new S3ErrorReply(400, 'InvalidArgument', 'Invalid Encoding Method specified in Request');
  }
  const keys: string[] = [];
  for (const key of objects.keys()) {
    if (key.startsWith(prefix) && (after === undefined || utf8Order(key, after) > 0)) {
      keys.push(key);
    }
  }
  keys.sort(utf8Order);
  const page = keys.slice(0, Math.min(maxKeys, LIST_MAX_KEYS));
  const truncated = page.length < keys.length;
  const text = (value: string): string => escapeXml(urlEncoded ? encodeURIComponent(value) : value);
  const element = (name: string, value: string | number): string =>
    `<${name}>${typeof value === 'number' ? value : text(value)}</${name}>`;
  const token = query.get('continuation-token');
  const startAfter = query.get('start-after');
  const last = page[page.length - 1];
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<ListBucketResult xmlns="${S3_XML_NAMESPACE}">`,
    `<Name>${escapeXml(bucket)}</Name>`,
    element('Prefix', prefix),
    ...(token === null ? [] : [`<ContinuationToken>${escapeXml(token)}</ContinuationToken>`]),
    ...(startAfter === null ? [] : [element('StartAfter', startAfter)]),
    element('KeyCount', page.length),
    element('MaxKeys', maxKeys),
    ...(urlEncoded ? ['<EncodingType>url</EncodingType>'] : []),
    `<IsTruncated>${String(truncated)}</IsTruncated>`,
    ...(truncated && last !== undefined
      ? [
          `<NextContinuationToken>${Buffer.from(last, 'utf8').toString('base64url')}</NextContinuationToken>`,
        ]
      : []),
    ...page.map((key) => {
      const stored = objects.get(key)!;
      return [
        '<Contents>',
        element('Key', key),
        `<LastModified>${stored.modifiedAt.toISOString()}</LastModified>`,
        `<ETag>${escapeXml(ETAG)}</ETag>`,
        element('Size', stored.size),
        '<StorageClass>STANDARD</StorageClass>',
        '</Contents>',
      ].join('');
    }),
    '</ListBucketResult>',
  ].join('');
}

function replyError(res: ServerResponse, path: string, err: S3ErrorReply, head: boolean): void {
  const body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Error><Code>${err.code}</Code><Message>${escapeXml(err.message)}</Message>`,
    `<Resource>${escapeXml(path)}</Resource><RequestId>sink</RequestId></Error>`,
  ].join('');
  // A HEAD reply has no body: S3 gives its status alone.
  res
    .writeHead(err.status, {
      'content-type': 'application/xml',
      'content-length': head ? 0 : Buffer.byteLength(body),
    })
    .end(head ? undefined : body);
}

/**
 * The sink's objects by bucket, then by key (decoded: a presigned URL and an SDK request may
 * encode the same key differently), and what it was asked.
 */
interface SinkState {
  buckets: Map<string, Map<string, StoredObject>>;
  puts: number;
  deletes: number;
}

/** One request: a bucket's listing, or a PUT, DELETE, HEAD or GET of one object. */
function handleRequest(state: SinkState, req: IncomingMessage, res: ServerResponse): void {
  const [path = '/', search = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
  const { bucket, key } = splitPath(path);
  let objects = state.buckets.get(bucket);
  if (!objects) {
    objects = new Map();
    state.buckets.set(bucket, objects);
  }
  if (req.method !== 'PUT' || key === '') req.resume();
  if (key === '') {
    const query = new URLSearchParams(search);
    if (req.method !== 'GET' || query.get('list-type') !== '2') {
      throw new S3ErrorReply(
        501,
        'NotImplemented',
        'The sink answers ListObjectsV2 on a bucket, nothing else.',
      );
    }
    const body = listObjectsV2(objects, bucket, query);
    res
      .writeHead(200, {
        'content-type': 'application/xml',
        'content-length': Buffer.byteLength(body),
      })
      .end(body);
    return;
  }
  switch (req.method) {
    case 'PUT': {
      let size = 0;
      req.on('data', (chunk: Buffer) => (size += chunk.length));
      req.on('end', () => {
        objects.set(key, { size, modifiedAt: new Date() });
        state.puts += 1;
        res.writeHead(200, { etag: ETAG, 'content-length': 0 }).end();
      });
      return;
    }
    case 'DELETE':
      objects.delete(key);
      state.deletes += 1;
      res.writeHead(204).end();
      return;
    case 'HEAD':
    case 'GET': {
      const object = objects.get(key);
      if (!object) throw new S3ErrorReply(404, 'NoSuchKey', 'The specified key does not exist.');
      res.writeHead(200, {
        'content-length': object.size,
        etag: ETAG,
        'last-modified': object.modifiedAt.toUTCString(),
      });
      res.end(req.method === 'GET' ? Buffer.alloc(object.size) : undefined);
      return;
    }
    default:
      throw new S3ErrorReply(
        405,
        'MethodNotAllowed',
        'The specified method is not allowed against this resource.',
      );
  }
}

/**
 * Answers S3's requests in path style with sizes only: PUT records the body's size, HEAD
 * returns it, GET returns that many zero bytes, DELETE removes the key (204 whether or not it
 * was there, as S3 does) and `GET /<bucket>?list-type=2` lists keys as ListObjectsV2 does, page by
 * page. s3rver writes every object to disk and would cap throughput well below what the queue
 * can do.
 */
export async function startObjectSink(): Promise<ObjectSink> {
  const state: SinkState = { buckets: new Map(), puts: 0, deletes: 0 };
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    try {
      handleRequest(state, req, res);
    } catch (err) {
      if (!(err instanceof S3ErrorReply)) throw err;
      replyError(res, (req.url ?? '/').split('?')[0] ?? '/', err, req.method === 'HEAD');
    }
  });
  server.keepAliveTimeout = 30_000;
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let closing: Promise<void> | undefined;
  return {
    endpoint,
    storageConfig: {
      s3: {
        default: {
          region: 'us-east-1',
          endpoint,
          forcePathStyle: true,
          credentials: { accessKeyId: 'bench', secretAccessKey: 'bench-secret' },
        },
      },
    },
    puts: () => state.puts,
    deletes: () => state.deletes,
    objectsUnder: (bucket, prefix) => {
      let count = 0;
      for (const key of state.buckets.get(bucket)?.keys() ?? []) {
        if (key.startsWith(prefix)) count += 1;
      }
      return count;
    },
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      })),
  };
}
