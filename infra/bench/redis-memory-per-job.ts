// Redis memory one queued edit job takes, for sizing Redis (DEPLOYMENT.md, "Redis"). Starts a
// private redis-server with production settings, enqueues jobs through EditQueue in batches and
// reports used_memory growth per job. Run: pnpm --filter @darkroom/infra bench [jobs]
import { EditQueue } from '@darkroom/jobs';
import { startRedisServer } from '@darkroom/testing';
import Redis from 'ioredis';

const count = Number(process.argv[2] ?? 20_000);

const job = (n: number) => ({
  operation: 'renditionCreate',
  account: 'main',
  input: `s3://darkroom-inputs/catalog/2026/11/product-${n}.psd`,
  outputs: [
    {
      ref: `s3://darkroom-outputs/renditions/product-${n}-2048.jpg`,
      type: 'image/jpeg',
      width: 2048,
    },
    { ref: `s3://darkroom-outputs/renditions/product-${n}-512.png`, type: 'image/png', width: 512 },
  ],
});

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? NaN);
}

async function main(): Promise<void> {
  const server = await startRedisServer({
    args: ['--appendonly', 'yes', '--appendfsync', 'everysec'],
  });
  const redis = new Redis(server.url);
  const edits = new EditQueue({ connection: server.url });
  try {
    await edits.enqueue(job(-1)); // scripts and structures that exist once per queue
    const before = await usedMemory(redis);
    const batch = 1_000;
    for (let i = 0; i < count; i += batch) {
      await edits.enqueueMany(
        Array.from({ length: Math.min(batch, count - i) }, (_, k) => job(i + k)),
      );
    }
    const after = await usedMemory(redis);
    const perJob = (after - before) / count;
    console.log(
      JSON.stringify({
        jobs: count,
        state: 'waiting',
        usedMemoryBytes: after,
        bytesPerJob: Math.round(perJob),
        jobsPerGiB: Math.floor(2 ** 30 / perJob),
      }),
    );
  } finally {
    await edits.close();
    redis.disconnect();
    await server.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
