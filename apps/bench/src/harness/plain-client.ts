import { BENCH_CLIENT } from './bench-stack';

/** An access token from the emulator's IMS, as any Adobe client gets one. */
export async function fetchToken(emulatorUrl: string): Promise<string> {
  const res = await fetch(`${emulatorUrl}/ims/token/v3`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: BENCH_CLIENT.clientId,
      client_secret: BENCH_CLIENT.clientSecret,
      scope: 'openid,AdobeID',
    }).toString(),
  });
  if (!res.ok) throw new Error(`IMS answered ${res.status}`);
  return ((await res.json()) as { access_token: string }).access_token;
}

/** The v1 renditionCreate body for job `i`, its hrefs on the storage sink (not signed). */
export function renditionBody(sinkUrl: string, tag: string, i: number): Record<string, unknown> {
  return {
    inputs: [
      { href: `${sinkUrl}/bench-in/${tag}/${i}.psd?X-Amz-Signature=bench`, storage: 'external' },
    ],
    outputs: [
      {
        href: `${sinkUrl}/bench-out/${tag}/${i}.jpg?X-Amz-Signature=bench`,
        storage: 'external',
        type: 'image/jpeg',
        width: 1024,
        quality: 7,
      },
      {
        href: `${sinkUrl}/bench-out/${tag}/${i}.png?X-Amz-Signature=bench`,
        storage: 'external',
        type: 'image/png',
        width: 256,
      },
    ],
  };
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What a plain BullMQ processor does with Adobe's API when it follows the SDK's habit: submit,
 * then hold the slot and poll every `pollMs` until the job is done.
 */
export async function submitAndPoll(
  emulatorUrl: string,
  token: string,
  body: Record<string, unknown>,
  pollMs: number,
): Promise<{ polls: number }> {
  const headers = {
    authorization: `Bearer ${token}`,
    'x-api-key': BENCH_CLIENT.clientId,
    'content-type': 'application/json',
  };
  const submit = await fetch(`${emulatorUrl}/pie/psdService/renditionCreate`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  });
  if (submit.status !== 202) throw new Error(`submit answered ${submit.status}`);
  const link = ((await submit.json()) as { _links: { self: { href: string } } })._links.self.href;
  let polls = 0;
  for (;;) {
    await sleep(pollMs);
    polls += 1;
    const res = await fetch(link, { headers });
    if (!res.ok) throw new Error(`status answered ${res.status}`);
    const doc = (await res.json()) as { outputs?: Array<{ status?: string }> };
    const states = (doc.outputs ?? []).map((o) => o.status);
    if (states.length > 0 && states.every((s) => s === 'succeeded')) return { polls };
    if (states.some((s) => s === 'failed')) throw new Error('remote job failed');
  }
}
