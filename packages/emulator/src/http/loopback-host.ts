const LOOPBACK_HOSTS = new Set(['localhost', '[::1]', '::1']);

/**
 * True for a host name that stays on this machine (`localhost`, `127.x.x.x`, `::1`): the only
 * hosts the emulator lets an href use plain `http` for.
 */
export function isLoopbackHost(hostname: string): boolean {
  if (LOOPBACK_HOSTS.has(hostname.toLowerCase())) return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
