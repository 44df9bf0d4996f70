/**
 * Presigns per second per core, for each provider. One Node process runs everything, so a rate
 * here is what one core of a worker can do.
 *
 * S3 and Azure presigning is pure local signing (HMAC), no network. Dropbox presigning is an HTTP
 * call to `get_temporary_link` / `get_temporary_upload_link`; here it goes to the loopback Dropbox
 * double in this same process, so the double's own work shares the core and the real rate is
 * bounded by Dropbox's latency and rate limits instead.
 *
 * Run: pnpm --filter @darkroom/storage bench
 */
import { availableParallelism } from 'node:os';
import { startDropboxDouble } from '@darkroom/testing';
import { StorageRegistry, type StorageRef } from '../src';

const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);

interface Result {
  name: string;
  perSecond: number;
}

async function measure(
  name: string,
  presign: (i: number) => Promise<unknown>,
  concurrency = 1,
): Promise<Result> {
  // Warm-up: JIT, lazily created clients, the first Dropbox token.
  for (let i = 0; i < 200; i++) await presign(i);
  let done = 0;
  const started = process.hrtime.bigint();
  const deadline = Date.now() + DURATION_MS;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (Date.now() < deadline) {
        await presign(done);
        done += 1;
      }
    }),
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { name, perSecond: done / seconds };
}

async function main(): Promise<void> {
  const double = await startDropboxDouble();
  const registry = new StorageRegistry({
    s3: {
      default: {
        region: 'us-east-1',
        credentials: { accessKeyId: 'AKIABENCHMARK', secretAccessKey: 'bench-secret-key' },
      },
    },
    azure: {
      accounts: {
        benchacct: { accountKey: Buffer.from('bench account key bytes').toString('base64') },
      },
    },
    dropbox: double.config,
  });
  double.putFile('/bench/in.psd', Buffer.from('psd'));
  const s3 = (i: number): StorageRef => ({ scheme: 's3', bucket: 'photos', key: `out/${i}.png` });
  const azure = (i: number): StorageRef => ({
    scheme: 'azure',
    account: 'benchacct',
    container: 'renders',
    blob: `out/${i}.png`,
  });
  const results: Result[] = [];
  try {
    results.push(await measure('s3 read (GET URL)', (i) => registry.presignRead(s3(i), 3600)));
    results.push(await measure('s3 write (PUT URL)', (i) => registry.presignWrite(s3(i), 3600)));
    results.push(await measure('azure read (SAS r)', (i) => registry.presignRead(azure(i), 3600)));
    results.push(
      await measure('azure write (SAS cw)', (i) => registry.presignWrite(azure(i), 3600)),
    );
    results.push(
      await measure(
        'dropbox read (HTTP to double, 8 in flight)',
        () => registry.presignRead({ scheme: 'dropbox', path: '/bench/in.psd' }, 3600),
        8,
      ),
    );
    results.push(
      await measure(
        'dropbox write (HTTP to double, 8 in flight)',
        (i) => registry.presignWrite({ scheme: 'dropbox', path: `/bench/out-${i}.png` }, 3600),
        8,
      ),
    );
  } finally {
    await registry.close();
    await double.close();
  }
  console.log(
    `presigns per second on one core (node ${process.version}, ${availableParallelism()} cores visible, ${DURATION_MS} ms each)`,
  );
  for (const { name, perSecond } of results) {
    console.log(
      `${name.padEnd(46)} ${Math.round(perSecond).toLocaleString('en-US').padStart(9)}/s`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
