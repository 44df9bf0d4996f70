import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fetchDocument, localDocument } from './producer-document';
import { GENERATED_TYPES } from './client-types-path';
import { generateTypes } from './client-types';

/**
 * `tsx scripts/generate-client-types.ts [--url <producer>] [--file <document.json>] [--stdout]`
 * (`pnpm --filter @darkroom/producer generate:client`): the types of the producer's OpenAPI
 * document, from a running producer, a file, or (by default) a producer app started here on
 * REDIS_URL; written to packages/client/src/generated/producer-api.ts, or to stdout.
 * A document that is not valid OpenAPI 3.1 stops it with exit 1 and the problem on stderr.
 */
async function main(args: string[]): Promise<void> {
  const option = (name: string): string | undefined => {
    const at = args.indexOf(name);
    return at >= 0 ? args[at + 1] : undefined;
  };
  const url = option('--url');
  const file = option('--file');
  const document = url
    ? await fetchDocument(url)
    : file
      ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)
      : await localDocument(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const types = await generateTypes(document);
  if (args.includes('--stdout')) {
    process.stdout.write(types);
    return;
  }
  mkdirSync(dirname(GENERATED_TYPES), { recursive: true });
  writeFileSync(GENERATED_TYPES, types);
  console.log(`wrote ${GENERATED_TYPES}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
