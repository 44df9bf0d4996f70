const ADOBE_ORIGIN = 'https://image.adobe.io';

/**
 * Adobe's JS SDK (@adobe/photoshop-apis 2.0.1) has no base-URL option: its one environment maps
 * to https://image.adobe.io, and it calls the global `fetch`. This routes that origin to the
 * emulator for the duration of a run (what a hosts-file entry would do), leaving every other
 * request alone. Returns the function that restores the original `fetch`.
 */
export function routeAdobeTo(emulatorUrl: string): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (url.startsWith(ADOBE_ORIGIN)) {
      return original(emulatorUrl + url.slice(ADOBE_ORIGIN.length), init);
    }
    return original(input, init);
  };
  return () => {
    globalThis.fetch = original;
  };
}

/** A minimal p-limit: at most `n` of the given tasks run at once. */
export function limitConcurrency(n: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: Array<() => void> = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    active += 1;
    try {
      return await task();
    } finally {
      active -= 1;
      waiting.shift()?.();
    }
  };
}
