// Throughput of the CPU-bound parts a worker runs per job: building a body (with a no-op
// presigner), validating it against the contract, and normalising a status reply.
import { buildRequestBody, normalizeStatus, validateRequestBody, type ResolveRef } from '../src';

const resolve: ResolveRef = (ref) =>
  Promise.resolve({
    href: `https://storage.example/${encodeURIComponent(ref)}?sig=x`,
    storage: 'external',
  });

const job = {
  input: 's3://bench/in.psd',
  outputs: Array.from({ length: 5 }, (_, i) => ({
    ref: `s3://bench/out-${i}.jpg`,
    type: 'image/jpeg',
    width: 512,
  })),
  options: {
    layers: Array.from({ length: 20 }, (_, i) => ({
      id: i + 1,
      edit: {},
      input: { ref: `s3://bench/layer-${i}.png` },
      bounds: { top: 0, left: 0, width: 100, height: 100 },
    })),
    fonts: [{ ref: 's3://bench/Font.otf' }],
  },
};

const status = {
  jobId: 'bench',
  outputs: [
    {
      status: 'succeeded',
      created: '2025-01-01T00:00:00Z',
      modified: '2025-01-01T00:00:09Z',
      _links: {
        renditions: Array.from({ length: 5 }, (_, i) => ({
          href: `https://o.example/${i}`,
          type: 'image/jpeg',
        })),
      },
    },
  ],
};

async function measure(name: string, iterations: number, fn: () => unknown): Promise<void> {
  for (let i = 0; i < Math.min(200, iterations); i++) await fn();
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) await fn();
  const ns = Number(process.hrtime.bigint() - start);
  const perOp = ns / iterations / 1000;
  console.log(
    `${name.padEnd(48)} ${(1e6 / perOp).toFixed(0).padStart(8)} ops/s  ${perOp.toFixed(1).padStart(8)} µs/op`,
  );
}

async function main(): Promise<void> {
  const body = await buildRequestBody('documentOperations', job, resolve);
  await measure('buildRequestBody documentOperations (27 refs)', 5_000, () =>
    buildRequestBody('documentOperations', job, resolve),
  );
  await measure('validateRequestBody documentOperations', 20_000, () =>
    validateRequestBody('documentOperations', body),
  );
  await measure('normalizeStatus photoshop (5 renditions)', 100_000, () =>
    normalizeStatus('photoshop', status),
  );
}

void main();
