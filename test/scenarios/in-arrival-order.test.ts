import { describe, expect, it } from "vitest";
import { InArrivalOrder } from "../../scenarios/lib/in-arrival-order.ts";

/** A promise and its settle functions. */
function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}
const settle = () => new Promise((r) => setTimeout(r, 0));

describe("InArrivalOrder", () => {
  it("shows results and failures in the order the work was added, whatever order it finishes in", async () => {
    const order = new InArrivalOrder();
    const shown: string[] = [];
    const work = [deferred<string>(), deferred<string>(), deferred<string>(), deferred<string>()];
    for (const w of work) order.add(w.promise, (v) => shown.push(v), (e) => shown.push(`failed: ${String(e)}`));
    work[3].resolve("d");
    work[1].reject("b");
    await settle();
    expect(shown).toEqual([]);
    work[0].resolve("a");
    await settle();
    expect(shown).toEqual(["a", "failed: b"]);
    work[2].resolve("c");
    await settle();
    expect(shown).toEqual(["a", "failed: b", "c", "d"]);
  });

  it("shows an item at once when nothing earlier is pending", async () => {
    const order = new InArrivalOrder();
    const shown: number[] = [];
    order.add(Promise.resolve(1), (v) => shown.push(v), () => undefined);
    await settle();
    order.add(Promise.resolve(2), (v) => shown.push(v), () => undefined);
    await settle();
    expect(shown).toEqual([1, 2]);
  });
});
