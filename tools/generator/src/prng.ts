/**
 * A small seeded PRNG of our own so the same seed gives the same traffic on every machine and Node version:
 * sfc32 (128-bit state, period >= 2^32, passes PractRand) seeded with cyrb128 of the seed text. Math.random
 * is never used. Separate streams (`fork`) keep parts independent: changing fault rates does not change
 * the valid traffic.
 */

export interface Prng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (both inclusive). */
  int(min: number, max: number): number;
  /** True with probability p (0..1). */
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks by relative weight; entries with weight <= 0 are never picked. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T;
  /** An independent stream derived from this one's seed and a label (not from its current position). */
  fork(label: string): Prng;
}

/** cyrb128: four 32-bit hashes of a string, used as PRNG state. */
export function hashSeed(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}

export function createPrng(seed: string | number): Prng {
  const seedText = String(seed);
  let [a, b, c, d] = hashSeed(seedText);
  const nextUint32 = (): number => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Discard the first outputs: sfc32 mixes its state in the first few rounds.
  for (let i = 0; i < 15; i++) nextUint32();

  const prng: Prng = {
    next: () => nextUint32() / 4294967296,
    int(min, max) {
      if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) throw new RangeError(`int(${min}, ${max}): bad range`);
      return min + Math.floor(prng.next() * (max - min + 1));
    },
    chance: (p) => prng.next() < p,
    pick(items) {
      if (items.length === 0) throw new RangeError('pick from an empty list');
      return items[Math.floor(prng.next() * items.length)] as (typeof items)[number];
    },
    weighted(entries) {
      let total = 0;
      for (const [, weight] of entries) if (weight > 0) total += weight;
      if (total <= 0) throw new RangeError('weighted pick without positive weights');
      let point = prng.next() * total;
      for (const [value, weight] of entries) {
        if (weight <= 0) continue;
        point -= weight;
        if (point < 0) return value;
      }
      // Floating-point leftovers: the last positive entry.
      const last = [...entries].reverse().find(([, weight]) => weight > 0);
      return (last as readonly [(typeof entries)[number][0], number])[0];
    },
    fork: (label) => createPrng(`${seedText}\u0000${label}`),
  };
  return prng;
}
