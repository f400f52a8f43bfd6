/**
 * A seeded pseudo-random generator for simulations and tests. Judges never draw random numbers
 * (they are pure); simulations take one of these so every run is reproducible from its seed.
 */

/** Uniform numbers in [0, 1). */
export type Prng = () => number;

/** SFC32 seeded through SplitMix32: fast, 128-bit state, passes PractRand far beyond our needs. */
export function createPrng(seed: number): Prng {
  let s = seed >>> 0;
  const splitmix = (): number => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let a = splitmix();
  let b = splitmix();
  let c = splitmix();
  let d = splitmix();
  return () => {
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}

/** A standard normal draw (Box–Muller; one of the pair is discarded to stay stateless). */
export function normalDraw(rng: Prng): number {
  const u = 1 - rng(); // (0, 1]: log(0) never happens
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/** A log-normal draw: exp(μ + σZ), i.e. median e^μ. */
export function logNormalDraw(rng: Prng, mu: number, sigma: number): number {
  return Math.exp(mu + sigma * normalDraw(rng));
}

/** Binomial(n, p) by counting Bernoulli trials: exact, and fast for the small n a tick simulates. */
export function binomialDraw(rng: Prng, n: number, p: number): number {
  let k = 0;
  for (let i = 0; i < n; i++) if (rng() < p) k++;
  return k;
}
