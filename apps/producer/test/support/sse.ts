/** One server-sent event as a client sees it. */
export interface SseEvent {
  id?: string;
  event: string;
  data: unknown;
}

/**
 * The events of an open `text/event-stream` response, one at a time as they arrive (comments
 * skipped), until the server ends the stream or the caller stops iterating.
 */
export async function* readEvents(res: Response): AsyncGenerator<SseEvent> {
  if (!res.body) return;
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const fields = new Map<string, string>();
      for (const line of block.split('\n')) {
        if (line.startsWith(':') || !line.includes(':')) continue;
        const at = line.indexOf(':');
        fields.set(line.slice(0, at), line.slice(at + 1).replace(/^ /, ''));
      }
      const event = fields.get('event');
      if (event === undefined) continue;
      const id = fields.get('id');
      yield {
        ...(id !== undefined ? { id } : {}),
        event,
        data: JSON.parse(fields.get('data') ?? 'null'),
      };
    }
  }
}
