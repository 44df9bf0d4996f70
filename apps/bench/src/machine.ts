import { readFileSync } from 'node:fs';
import { cpus, totalmem, release, platform } from 'node:os';
import { join } from 'node:path';
import type { MachineInfo } from './report';

const REPO = join(__dirname, '../../..');

function installedVersion(pkg: string, from: string): string {
  try {
    const path = require.resolve(`${pkg}/package.json`, { paths: [join(REPO, from)] });
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The machine and the versions a result depends on. */
export function describeMachine(redisVersion: string): MachineInfo {
  const cpu = cpus();
  return {
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    cores: cpu.length,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.versions.node,
    redis: redisVersion,
    platform: `${platform()} ${release()}`,
    packages: {
      bullmq: installedVersion('bullmq', 'apps/bench'),
      ioredis: installedVersion('ioredis', 'apps/bench'),
      '@adobe/photoshop-apis': installedVersion('@adobe/photoshop-apis', 'apps/bench'),
      tsx: installedVersion('tsx', 'apps/bench'),
    },
  };
}
