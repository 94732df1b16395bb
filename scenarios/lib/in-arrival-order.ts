// Completions shown in the order their work started, whatever order the work finishes in (as a
// messaging app shows messages in the order they arrived while decrypting them side by side).
// One promise reaction per item: a chain of promises per item cost k6 three more jobs each.

interface Slot { ready: boolean; show: () => void }

export class InArrivalOrder {
  private readonly slots: Slot[] = [];

  /** Queues `work`; `show(result)` or `showFailure(error)` runs once every earlier item has run its own. */
  add<T>(work: Promise<T>, show: (result: T) => void, showFailure: (error: unknown) => void): void {
    const slot: Slot = { ready: false, show: () => undefined };
    this.slots.push(slot);
    work.then(
      (result) => this.ready(slot, () => show(result)),
      (error) => this.ready(slot, () => showFailure(error)),
    );
  }

  private ready(slot: Slot, show: () => void): void {
    slot.ready = true;
    slot.show = show;
    while (this.slots.length > 0 && this.slots[0].ready) this.slots.shift()!.show();
  }
}
