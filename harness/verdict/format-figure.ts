// A figure's value as people read it, in its own unit: three significant digits below 100
// (0.001 ms stays 0.001 ms), whole numbers above.
import type { FigureUnit } from "./figure-catalog.ts";

const readable = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Number(v.toPrecision(3)));

export function formatFigure(value: number, unit: FigureUnit): string {
  if (unit === "ms") return `${readable(value)} ms`;
  if (unit === "ratio") return `${readable(value * 100)}%`;
  if (unit === "cores" || unit === "MB") return `${readable(value)} ${unit}`;
  return String(value);
}
