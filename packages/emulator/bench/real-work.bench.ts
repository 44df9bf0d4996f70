import { thirdPartyPath } from '@darkroom/testing';
/**
 * Real image work, end to end: Adobe's Photoshop-made sample PSD rendered to a 512 px JPEG and a
 * full-size PNG per job, with zero simulated duration. Measures how many such jobs the emulator
 * finishes per second (image work is capped by `imageWorkConcurrency`). Run with
 * `pnpm bench:real`; JOBS and CONCURRENCY tune it.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { createEmulator } from '../src';

const JOBS = Number(process.env.JOBS ?? 60);
const CONCURRENCY = Number(process.env.CONCURRENCY ?? 2);
const SAMPLE = thirdPartyPath('adobe', 'samples', 'Sunflower.psd');

async function main(): Promise<void> {
  const psd = readFileSync(SAMPLE);
  const store = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET') res.writeHead(200, { 'content-length': psd.length }).end(psd);
      else res.writeHead(200, { 'content-length': 0 }).end();
    });
  });
  await new Promise<void>((resolve) => store.listen(0, '127.0.0.1', resolve));
  const files = `http://127.0.0.1:${(store.address() as AddressInfo).port}`;
  const emulator = await createEmulator({
    timeFactor: 0,
    limits: false,
    imageWorkConcurrency: CONCURRENCY,
  });
  try {
    const token = (await (
      await fetch(`${emulator.url}/ims/token/v3`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials&client_id=darkroom-dev&client_secret=darkroom-dev-secret',
      })
    ).json()) as { access_token: string };
    const headers = {
      authorization: `Bearer ${token.access_token}`,
      'x-api-key': 'darkroom-dev',
      'content-type': 'application/json',
    };
    const started = Date.now();
    const links: string[] = [];
    for (let i = 0; i < JOBS; i += 1) {
      const reply = await fetch(`${emulator.url}/pie/psdService/renditionCreate`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          inputs: [{ href: `${files}/in/Sunflower.psd`, storage: 'external' }],
          outputs: [
            { href: `${files}/out/${i}.jpg`, storage: 'external', type: 'image/jpeg', width: 512 },
            { href: `${files}/out/${i}.png`, storage: 'external', type: 'image/png' },
          ],
        }),
      });
      links.push(((await reply.json()) as { _links: { self: { href: string } } })._links.self.href);
    }
    const pending = new Set(links);
    while (pending.size > 0) {
      for (const link of [...pending]) {
        const status = (await (await fetch(link, { headers })).json()) as {
          outputs: Array<{ status: string }>;
        };
        const state = status.outputs[0]?.status;
        if (state === 'failed') throw new Error(`job failed: ${JSON.stringify(status)}`);
        if (state === 'succeeded') pending.delete(link);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(
      `real work: ${JOBS} Sunflower.psd renditions (512 px JPEG + full PNG), image work concurrency ${CONCURRENCY}`,
    );
    console.log(`           ${seconds.toFixed(2)} s = ${(JOBS / seconds).toFixed(1)} jobs/s`);
  } finally {
    await emulator.close();
    store.closeAllConnections();
    store.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
