import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { S3rverFixture } from '@darkroom/testing';

const CHILD = join(__dirname, 's3rver-child.ts');
const TSX = pathToFileURL(require.resolve('tsx')).href;

/** s3rver in its own process: its S3 config, a bucket in it, and how to stop it. */
export interface S3rverProcess {
  config: S3rverFixture['config'];
  bucket: string;
  close(): Promise<void>;
}

/**
 * Starts s3rver (the `@darkroom/testing` fixture) in a child Node run with
 * `--openssl-legacy-provider`. s3rver 3.7.1 makes ListObjectsV2 continuation tokens with DES,
 * which OpenSSL 3 (Node 17 and later) keeps in its legacy provider: in this process every
 * truncated listing fails with InternalError, so paging can only be seen in a process that has
 * the provider, and a Node flag is the only way to load it.
 */
export function startS3rverProcess(): Promise<S3rverProcess> {
  const child = spawn(process.execPath, ['--openssl-legacy-provider', '--import', TSX, CHILD], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => (stderr += chunk));
  const close = async (): Promise<void> => {
    child.stdin.end();
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      out += chunk;
      const newline = out.indexOf('\n');
      if (newline === -1) return;
      child.stdout.removeAllListeners('data');
      child.stdout.resume();
      const started = JSON.parse(out.slice(0, newline)) as Pick<S3rverProcess, 'config' | 'bucket'>;
      resolve({ ...started, close });
    });
    void exited.then(() =>
      reject(new Error(`s3rver's process ended before it started: ${stderr}`)),
    );
  });
}
