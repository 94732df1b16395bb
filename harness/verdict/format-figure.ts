// A figure's value as people read it, in its own unit.
import type { FigureUnit } from "./figure-catalog.ts";

export function formatFigure(value: number, unit: FigureUnit): string {
  if (unit === "ms") return `${Math.round(value * 10) / 10} ms`;
  if (unit === "ratio") return `${Math.round(value * 100_000) / 1000}%`;
  return String(value);
}
