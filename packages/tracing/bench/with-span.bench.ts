// Cost of a withSpan around an async call, against the plain call: with tracing off (the
// default: the API's no-op tracer) and with in-memory test tracing on. Prints ns per call.
import { withSpan } from '../src';
import { startTestTracing } from '../src/testing';

const ITERATIONS = 200_000;

function work(n: number): Promise<number> {
  return Promise.resolve(n + 1);
}

async function time(label: string, call: (i: number) => Promise<number>): Promise<number> {
  for (let i = 0; i < 10_000; i += 1) await call(i);
  const started = process.hrtime.bigint();
  for (let i = 0; i < ITERATIONS; i += 1) await call(i);
  const ns = Number(process.hrtime.bigint() - started) / ITERATIONS;
  console.log(`${label.padEnd(34)} ${ns.toFixed(0).padStart(6)} ns/call`);
  return ns;
}

async function main(): Promise<void> {
  const attrs = {
    'darkroom.operation': 'renditionCreate',
    'url.full': 'https://a.example/x?sig=1',
  };
  const plain = await time('plain call', work);
  const off = await time('withSpan, tracing off', (i) => withSpan('bench', attrs, () => work(i)));
  const tracing = startTestTracing();
  const on = await time('withSpan, in-memory tracing on', async (i) => {
    const value = await withSpan('bench', attrs, () => work(i));
    if (i % 1000 === 0) tracing.reset();
    return value;
  });
  await tracing.stop();
  console.log(`overhead off: ${(off - plain).toFixed(0)} ns, on: ${(on - plain).toFixed(0)} ns`);
}

void main();
