import { closeOnce } from '@darkroom/core';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
  type ReadableSpan,
} from '@opentelemetry/sdk-trace-node';
import { registerProvider } from '../tracer-registration';

export interface TestTracing {
  /** Every span ended since the start or the last `reset()`, in the order they ended. */
  spans(): ReadableSpan[];
  reset(): void;
  /** Unregisters the provider, so tracing can be started again. Idempotent. */
  stop(): Promise<void>;
}

/**
 * Tracing for tests: spans are kept in memory, each one the moment it ends (a simple span
 * processor, no batching delay). Registered globally like `startTracing`, so the code under test
 * runs unchanged. Call `stop()` in `afterEach`/`afterAll`.
 */
export function startTestTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const unregister = registerProvider(provider, 'startTestTracing');
  return {
    spans: () => exporter.getFinishedSpans(),
    reset: () => exporter.reset(),
    stop: closeOnce(async () => {
      try {
        await provider.shutdown();
      } finally {
        unregister();
      }
    }),
  };
}

export type { ReadableSpan };
