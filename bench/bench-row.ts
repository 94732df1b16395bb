// One printed line of `npm run bench`: a figure, its value, what it is held against, and the ratio.

export interface Row { figure: string; value: string; against: string; ratio: string }

/** a / b as "1.23x"; "-" when either is missing or b is 0 */
export const ratio = (a: number | null | undefined, b: number | null | undefined): string => (a == null || b == null || b === 0 ? "-" : `${(a / b).toFixed(2)}x`);

/** a whole number with thousands separators and a unit; "-" when missing */
export const fmt = (v: number | null | undefined, unit = ""): string => (v == null ? "-" : `${Math.round(v).toLocaleString("en-US")}${unit}`);
