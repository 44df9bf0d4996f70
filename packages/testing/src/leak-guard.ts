/**
 * Fails a test file that leaves a server, socket, worker or timer-driven connection open.
 *
 * Call `guardAgainstLeaks()` at the top of a test file. It records the open handles before the
 * first test and, after the last one, waits (up to a deadline) for the count of each kind to
 * return to that baseline. Sockets close asynchronously, so it polls rather than checking once.
 */
// Node names client sockets TCPSocketWrap in getActiveResourcesInfo(), servers TCPServerWrap.
const WATCHED = new Set([
  'TCPServerWrap',
  'TCPSocketWrap',
  'TCPWRAP',
  'PipeWrap',
  'ProcessWrap',
  'TLSWRAP',
]);

function openHandles(): Map<string, number> {
  const counts = new Map<string, number>();
  for (const kind of process.getActiveResourcesInfo()) {
    if (WATCHED.has(kind)) counts.set(kind, (counts.get(kind) ?? 0) + 1);
  }
  return counts;
}

export function leakedHandles(baseline: Map<string, number>): string[] {
  const leaks: string[] = [];
  for (const [kind, count] of openHandles()) {
    const before = baseline.get(kind) ?? 0;
    if (count > before) leaks.push(`${kind} ×${count - before}`);
  }
  return leaks;
}

export function guardAgainstLeaks(timeoutMs = 5_000): void {
  let baseline = new Map<string, number>();
  beforeAll(() => {
    baseline = openHandles();
  });
  afterAll(async () => {
    const deadline = Date.now() + timeoutMs;
    let leaks = leakedHandles(baseline);
    while (leaks.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 25));
      leaks = leakedHandles(baseline);
    }
    if (leaks.length > 0) {
      throw new Error(
        `test file left handles open: ${leaks.join(', ')}; close every server, worker, queue and connection it starts`,
      );
    }
  });
}
