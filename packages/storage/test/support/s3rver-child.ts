// Runs s3rver through the @darkroom/testing fixture in a Node started by s3rver-process.ts: prints
// the fixture's S3 config and a fresh bucket as one JSON line, then closes when stdin ends.
import { startS3rver } from '@darkroom/testing';

async function main(): Promise<void> {
  const s3 = await startS3rver();
  const bucket = await s3.createBucket();
  process.stdout.write(`${JSON.stringify({ config: s3.config, bucket })}\n`);
  process.stdin.resume();
  process.stdin.once('end', () => {
    void s3.close().then(() => process.exit(0));
  });
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
