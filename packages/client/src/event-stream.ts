/** One server-sent event as the stream carries it. */
export interface RawEvent {
  /** The `id:` field, when the event had one. */
  id?: string;
  event: string;
  data: string;
}

/** Splits `buffer` at its last line break: the complete lines, and what is left to complete. */
function completeLines(buffer: string): [string[], string] {
  const lines = buffer.split(/\r\n|\r|\n/);
  const rest = lines.pop() ?? '';
  return [lines, rest];
}

/**
 * The events of a `text/event-stream` body as the HTML standard parses them: `event`, `data`
 * (lines joined with `\n`), `id`; comments and other fields are skipped, and an event is
 * dispatched at its blank line.
 */
export async function* parseEventStream(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<RawEvent> {
  const decoder = new TextDecoder();
  let pending = '';
  let event: { id?: string; event?: string; data: string[] } = { data: [] };
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      const [lines, rest] = completeLines(pending + decoder.decode(value, { stream: true }));
      pending = rest;
      for (const line of lines) {
        if (line === '') {
          if (event.data.length > 0 || event.event !== undefined) {
            yield {
              ...(event.id !== undefined ? { id: event.id } : {}),
              event: event.event ?? 'message',
              data: event.data.join('\n'),
            };
          }
          event = { data: [] };
          continue;
        }
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event.event = value;
        else if (field === 'data') event.data.push(value);
        else if (field === 'id' && !value.includes('\0')) event.id = value;
      }
    }
  } finally {
    // Stopping early (the caller broke out) must release the connection.
    await reader.cancel().catch(() => undefined);
  }
}
