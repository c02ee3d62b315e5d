/** Deterministic pseudo-random numbers, so every bench run loads exactly the same data. */

/** sfc32: small, fast, good enough statistical quality, seeded from a string. */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: string) {
    // xmur3 string hash to seed the four state words.
    let h = 1779033703 ^ seed.length;
    for (let i = 0; i < seed.length; i++) {
      h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
      h = (h << 13) | (h >>> 19);
    }
    const next = () => {
      h = Math.imul(h ^ (h >>> 16), 2246822507);
      h = Math.imul(h ^ (h >>> 13), 3266489909);
      return (h ^= h >>> 16) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 15; i++) this.float();
  }

  /** Uniform in [0, 1). */
  float(): number {
    this.a >>>= 0;
    this.b >>>= 0;
    this.c >>>= 0;
    this.d >>>= 0;
    let t = (this.a + this.b) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.d = (this.d + 1) | 0;
    t = (t + this.d) | 0;
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.float() * items.length)] as T;
  }

  /** 32 random bits as 8 hex digits. */
  hex8(): string {
    return Math.floor(this.float() * 4294967296)
      .toString(16)
      .padStart(8, "0");
  }
}

/**
 * Zipf–Mandelbrot sampler over a list: weight of rank k (1-based) is 1 / (k + q)^s. The offset
 * q flattens the head so the most common item has a realistic share instead of 1/H(n).
 */
export class Zipf<T> {
  private readonly cumulative: number[];
  readonly shares: number[];

  constructor(
    readonly items: readonly T[],
    s: number,
    q: number,
  ) {
    const weights = items.map((_, i) => 1 / (i + 1 + q) ** s);
    const total = weights.reduce((x, y) => x + y, 0);
    this.shares = weights.map((w) => w / total);
    let acc = 0;
    this.cumulative = this.shares.map((share) => (acc += share));
  }

  sample(rng: Random): T {
    const u = rng.float();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.cumulative[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return this.items[lo] as T;
  }
}

/**
 * A UUIDv7-shaped id (the app's id format, see worker/lib/ids.ts) with the given timestamp,
 * so ids sort with created_at as they do in production.
 */
export function uuidV7(ms: number, rng: Random): string {
  const ts = ms.toString(16).padStart(12, "0");
  const r1 = rng.hex8();
  const r2 = rng.hex8();
  const r3 = rng.hex8();
  const variant = ((parseInt(r1.slice(3, 4), 16) & 0x3) | 0x8).toString(16);
  return `${ts.slice(0, 8)}-${ts.slice(8, 12)}-7${r1.slice(0, 3)}-${variant}${r1.slice(4, 7)}-${r2}${r3.slice(0, 4)}`;
}
