import { Writable } from 'node:stream';
import { createLogger, type Logger } from '@darkroom/observability';

/**
 * A logger whose lines are kept as parsed JSON records, for asserting on what a part of the
 * worker logged without starting the whole stack.
 */
export function capturedLogger(): { logger: Logger; records: () => Record<string, unknown>[] } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  return {
    logger: createLogger({ level: 'debug', destination: sink }),
    records: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}
