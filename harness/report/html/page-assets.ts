// What a page inlines so it opens from disk with no network: uPlot (script and style) and our
// own client script and style (client/), read once per process.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const cache = new Map<string, string>();

function read(file: string): string {
  let text = cache.get(file);
  if (text === undefined) cache.set(file, (text = readFileSync(file, "utf8")));
  return text;
}

function uplotFile(name: string): string {
  return join(dirname(require.resolve("uplot/package.json")), "dist", name);
}

export interface PageAssets { script: string; style: string }

/** `client` names a script in client/ (without .js): the page's own drawing code. */
export function pageAssets(client: "run-page" | "history-page"): PageAssets {
  const style = [read(uplotFile("uPlot.min.css")), read(join(here, "client", "report.css"))].join("\n");
  const own = client === "run-page" ? ["chart-kit.js", "surge-chart.js", "run-page.js"] : ["chart-kit.js", `${client}.js`];
  const script = [read(uplotFile("uPlot.iife.min.js")), ...own.map((name) => read(join(here, "client", name)))]
    .join("\n;\n")
    .replace(/<\/script/gi, "<\\/script");
  return { script, style };
}
