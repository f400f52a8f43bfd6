import { describe, expect, it } from "vitest";
import { mannWhitneyU, rankWithTies } from "./mann-whitney-u";
import { logGamma, normalSf } from "./special";

describe("Mann–Whitney U against textbook values", () => {
  // SciPy's documentation example (ages of 5 males vs 4 females): U = 17, exact two-sided p = 1/9.
  const males = [19, 22, 16, 29, 24];
  const females = [20, 11, 17, 12];

  it("exact distribution: U = 17, p = 0.1111 (SciPy docs)", () => {
    const r = mannWhitneyU(males, females);
    expect(r).toMatchObject({ u: 17, method: "exact" });
    expect(r.p).toBeCloseTo(1 / 9, 14);
  });

  it("normal approximation with continuity correction: p = 0.11134688653314041 (SciPy)", () => {
    const r = mannWhitneyU(males, females, { method: "asymptotic" });
    expect(r.u).toBe(17);
    expect(r.p).toBeCloseTo(0.11134688653314041, 12);
  });

  // Hollander & Wolfe (1973, p. 69), R's wilcox.test example: x = depression scale after, y = before.
  const x = [0.8, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46];
  const y = [1.15, 0.88, 0.9, 0.74, 1.21];

  it("R's wilcox.test(x, y, alternative = 'greater'): W = 35, p = 0.1272", () => {
    const r = mannWhitneyU(x, y, { alternative: "greater" });
    expect(r.u).toBe(35);
    expect(r.p).toBeCloseTo(0.1272061272061272, 14);
    expect(mannWhitneyU(x, y).p).toBeCloseTo(0.2544122544122544, 14);
    expect(mannWhitneyU(y, x, { alternative: "less" }).p).toBeCloseTo(0.1272061272061272, 14);
  });

  it("ties: tie-corrected variance and continuity correction (ClickHouse's test case: U = 223, p = 0.5427)", () => {
    const left = [
      310, 195, 530, 155, 530, 245, 385, 450, 465, 545, 170, 180, 125, 180, 230, 75, 430, 480, 495, 295,
    ];
    const right = [
      116, 171, 176, 421, 111, 326, 481, 111, 346, 441, 261, 411, 206, 521, 456, 446, 296, 51, 426, 261,
    ];
    const r = mannWhitneyU(left, right);
    expect(r).toMatchObject({ u: 223, method: "asymptotic" });
    expect(r.p).toBeCloseTo(0.5426959774289482, 12);
  });

  it("exact and normal p-values agree closely for moderate samples (n = 45, 40)", () => {
    const a = Array.from({ length: 45 }, (_, i) => i * 1.3 + (i % 7) * 0.01);
    const b = Array.from({ length: 40 }, (_, i) => i * 1.45 + 0.003);
    // SciPy: exact 0.9406613565015807, asymptotic 0.9403433467415123; exact 'less' 0.5331522890767992.
    expect(mannWhitneyU(a, b).p).toBeCloseTo(0.9406613565015807, 10);
    expect(mannWhitneyU(a, b, { method: "asymptotic" }).p).toBeCloseTo(0.9403433467415123, 12);
    expect(mannWhitneyU(a, b, { alternative: "less" }).p).toBeCloseTo(0.5331522890767992, 10);
  });

  it("U₁ + U₂ = n₁n₂ and the one-sided p-values mirror each other", () => {
    const a = [1, 5, 9, 13, 2];
    const b = [3, 4, 6, 7, 8, 10];
    const ab = mannWhitneyU(a, b, { alternative: "greater" });
    const ba = mannWhitneyU(b, a, { alternative: "less" });
    expect(ab.u + mannWhitneyU(b, a).u).toBe(30);
    expect(ab.p).toBeCloseTo(ba.p, 14);
  });

  it("ranks ties by their average and refuses empty samples or the exact method with ties", () => {
    expect(Array.from(rankWithTies([10, 20, 10, 30]).ranks)).toEqual([1.5, 3, 1.5, 4]);
    expect(rankWithTies([1, 1, 1, 2, 2]).ties).toEqual([3, 2]);
    expect(() => mannWhitneyU([], [1])).toThrow(RangeError);
    expect(() => mannWhitneyU([1, 2], [2, 3], { method: "exact" })).toThrow(RangeError);
    expect(mannWhitneyU([5, 5, 5], [5, 5]).p).toBe(1);
  });
});

describe("special functions", () => {
  it("normal tail probabilities to many digits", () => {
    expect(normalSf(0)).toBe(0.5);
    expect(normalSf(1.959963984540054)).toBeCloseTo(0.025, 14);
    expect(normalSf(3) / 0.0013498980316300933).toBeCloseTo(1, 12);
    expect(normalSf(8) / 6.22096057427174e-16).toBeCloseTo(1, 10);
    expect(normalSf(-1)).toBeCloseTo(0.8413447460685429, 14);
  });

  it("log-gamma", () => {
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 13);
    expect(logGamma(10)).toBeCloseTo(Math.log(362880), 12);
    expect(logGamma(100.5)).toBeCloseTo(361.4355404677775, 10);
  });
});
