/**
 * The published estimates, reproduced on the data they were published on: Fader, Hardie & Lee's
 * BG/NBD ("Counting your customers the easy way", 2005) and
 * Gamma-Gamma ("RFM and CLV", 2005) fits of the CDNOW 1/10 sample, to three significant digits.
 */
import { describe, expect, it } from "vitest";
import { fitBgNbd, fitGammaGamma, type MemberSummary } from "../../src/insights/index.js";
import { sampleSummaries } from "./cdnow.js";

const sig3 = (v: number) => Number(v.toPrecision(3));
let summaries: MemberSummary[];

describe("the CDNOW sample, as published", () => {
  it("summarises 2,357 members, 946 of them with a repeat purchase day; a 1 January buyer has T = 38.86", () => {
    summaries = sampleSummaries();
    expect(summaries).toHaveLength(2357);
    expect(summaries.filter((m) => m.x > 0)).toHaveLength(946);
    // Member 0001 bought on 1997-01-01, 01-18 and 08-02 in the calibration period (and 12-12 after it).
    const first = summaries.find((m) => m.member === "0001")!;
    expect(first.x).toBe(2);
    expect(first.T.toFixed(2)).toBe("38.86");
    expect(first.tx).toBeCloseTo(213 / 7, 12);
    expect(first.meanRepeatSpend).toBeCloseTo((29.73 + 14.96) / 2, 12);
  });

  it("BG/NBD: r = 0.243, α = 4.414, a = 0.793, b = 2.426, log-likelihood −9,582.4", () => {
    const fit = fitBgNbd(summaries);
    const { r, alpha, a, b } = fit.parameters;
    expect([sig3(r), Number(alpha.toFixed(3)), sig3(a), Number(b.toFixed(3))]).toEqual([0.243, 4.414, 0.793, 2.426]);
    expect(fit.logLikelihood.toFixed(1)).toBe("-9582.4");
    // Standard errors exist and are smaller than their estimates (hessian.test.ts checks the method itself).
    for (const key of ["r", "alpha", "a", "b"] as const) {
      expect(fit.standardErrors[key]).toBeGreaterThan(0);
      expect(fit.standardErrors[key]).toBeLessThan(fit.parameters[key]);
    }
  });

  it("Gamma-Gamma on the 946 repeat buyers: p = 6.25, q = 3.74, γ = 15.44", () => {
    const fit = fitGammaGamma(summaries);
    expect(fit.members).toBe(946);
    const { p, q, gamma } = fit.parameters;
    expect([sig3(p), sig3(q), Number(gamma.toFixed(2))]).toEqual([6.25, 3.74, 15.44]);
  });
});
