/**
 * The currencies a program may name, with the decimals of each one's minor unit, as a static table.
 *
 * Why not `Intl`: the first `Intl.NumberFormat` in a process loads ICU's locale data (~12 ms, a
 * quarter of a cold compile; issue 12), and the answer would depend on the runtime's ICU build, so
 * one program could compile differently on Node and on an edge runtime. The table is what Node 20's
 * ICU 78 (CLDR 48) reported for `Intl.supportedValuesOf("currency")` and each code's
 * `maximumFractionDigits`, so no program changes meaning. CLDR's digits differ from ISO 4217's minor
 * units for a few codes (CLDR says 0 where ISO says 2 for HUF, IDR, COP, PKR and others; IQD is 0
 * against ISO's 3): we keep CLDR's, which is what the engine has always used.
 * test/package/intl-free-checks.test.ts checks the table against the running runtime's Intl.
 */

/** Codes with no minor unit (JPY, KRW, ...). */
const NO_DECIMALS =
  "AFN ALL BIF CLP COP DJF GNF HUF IDR IQD IRR ISK JPY KMF KPW KRW LAK LBP MGA MMK PKR PYG RWF SLL SOS SYP UGX VND VUV XAF XOF XPF YER";
/** Codes with three decimals (KWD, BHD, ...). */
const THREE_DECIMALS = "BHD JOD KWD LYD OMR TND";
/** Every other code: two decimals. */
const TWO_DECIMALS =
  "AED AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY CRC CUC CUP " +
  "CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HRK HTG ILS INR JMD KES KGS KHR " +
  "KYD KZT LKR LRD LSL MAD MDL MKD MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK PHP PLN " +
  "QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SRD SSP STN SVC SZL THB TJS TMT TOP TRY TTD TWD TZS UAH USD UYU " +
  "UZS VES WST XCD XCG XDR XSU ZAR ZMW ZWG ZWL";

const places = new Map<string, number>();
for (const [codes, decimals] of [
  [TWO_DECIMALS, 2],
  [NO_DECIMALS, 0],
  [THREE_DECIMALS, 3],
] as const)
  for (const code of codes.split(" ")) places.set(code, decimals);

/** Every code the table knows, for the test that compares it with the runtime's Intl. */
export function knownCurrencies(): ReadonlyMap<string, number> {
  return places;
}

export function isCurrency(code: string): boolean {
  return places.has(code);
}

/** Decimals of the currency's minor unit (GBP 2, JPY 0, KWD 3); 2 for a code the table does not know. */
export function currencyPlaces(code: string): number {
  return places.get(code) ?? 2;
}
