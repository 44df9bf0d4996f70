/**
 * A small seeded generator (mulberry32). Math.random cannot be seeded, and fault runs must be
 * reproducible: the same seed and the same request order give the same faults.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** True with probability `rate` (0 never draws, so a zero rate does not shift the stream). */
  chance(rate: number | undefined): boolean {
    if (rate === undefined || rate <= 0) return false;
    if (rate >= 1) return true;
    return this.next() < rate;
  }

  pick<T>(items: readonly T[]): T | undefined {
    if (items.length === 0) return undefined;
    return items[Math.floor(this.next() * items.length)];
  }

  between(min: number, max: number): number {
    return min + (max - min) * this.next();
  }
}
