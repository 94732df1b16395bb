// XEP-0198 stream management from the client's side: the stanzas it sent that the server has not
// yet acknowledged (the server's `h` covers them in send order), and the stanzas it received that
// it has handled (its own `h`: only ever the length of the handled prefix, and never less than it
// already said, or a server may close the stream).

export class OutboundCounter {
  /** stanzas the server's `h` covers */
  private acked = 0;
  /** after `acked`, in send order: the message id of each stanza sent since, or null for other stanzas */
  private unacked: (string | null)[] = [];

  /** a counted stanza went out: its message id, or null */
  sent(id: string | null): void {
    this.unacked.push(id);
  }

  /** the server's `h`: returns the message ids it newly covers, in send order */
  acknowledge(h: number): string[] {
    const covered = this.unacked.splice(0, Math.max(0, Math.min(h - this.acked, this.unacked.length)));
    this.acked += covered.length;
    return covered.filter((id): id is string => id !== null);
  }

  /** a new stream (or a resumed one, after `acknowledge` of the server's `h`): nothing is in flight any more */
  reset(acked = 0): void {
    this.acked = acked;
    this.unacked = [];
  }
}

export class InboundCounter {
  private received = 0;
  /** the handled prefix: the `h` this client reports */
  handled = 0;
  private handledOutOfOrder = new Set<number>();
  /** bumped whenever numbering starts over: a stanza numbered before it is not this stream's any more */
  epoch = 0;

  /** a counted stanza arrived: its number */
  arrived(): number {
    return ++this.received;
  }

  handle(stanza: number, epoch: number): void {
    if (epoch !== this.epoch || stanza <= this.handled) return;
    if (stanza !== this.handled + 1) {
      this.handledOutOfOrder.add(stanza);
      return;
    }
    this.handled++;
    while (this.handledOutOfOrder.delete(this.handled + 1)) this.handled++;
  }

  /** A fresh stream (`enabled`): numbering from zero. A resumed one: the server resends what follows our `h`, numbered from there. */
  restart(fresh: boolean): void {
    if (fresh) this.handled = 0;
    this.received = this.handled;
    this.handledOutOfOrder.clear();
    this.epoch++;
  }
}
