import { Writable } from 'node:stream';

/** A stream that keeps every line a logger writes, for assertions. */
export function collectLines(): { stream: Writable; lines: string[]; text: () => string } {
  const lines: string[] = [];
  let pending = '';
  const stream = new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      pending += chunk.toString();
      const parts = pending.split('\n');
      pending = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l.length > 0));
      done();
    },
  });
  return { stream, lines, text: () => lines.join('\n') };
}
