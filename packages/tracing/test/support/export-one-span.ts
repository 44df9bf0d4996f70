// Run as a program of its own (`tsx export-one-span.ts`): starts tracing from process.env,
// exports one span, shuts down and prints whether tracing was on.
import { startTracing, withSpan } from '../../src';

async function main(): Promise<void> {
  const tracing = startTracing({ serviceName: 'darkroom-export-test' });
  await withSpan(
    'exported-span',
    { 'darkroom.operation': 'renditionCreate', statusUrl: 'https://a.example/s/1?sig=x' },
    () => undefined,
  );
  await tracing.shutdown();
  process.stdout.write(JSON.stringify({ enabled: tracing.enabled }));
}

void main();
