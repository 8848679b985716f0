/** The k highest scores seen, kept in a min-heap so each offer costs O(1) unless it beats the k-th best. */
export class TopK {
  private readonly scores: Float64Array;
  private readonly slots: Int32Array;
  private count = 0;

  constructor(readonly k: number) {
    this.scores = new Float64Array(Math.max(0, k));
    this.slots = new Int32Array(Math.max(0, k));
  }

  /** The score an offer must beat once k are held. */
  get threshold(): number {
    return this.count < this.k ? -Infinity : this.scores[0];
  }

  offer(slot: number, score: number): void {
    if (this.count < this.k) {
      this.siftUp(this.count++, slot, score);
    } else if (this.k > 0 && score > this.scores[0]) {
      this.siftDown(0, slot, score);
    }
  }

  /** Best first. */
  sorted(): Array<{ slot: number; score: number }> {
    const out = Array.from({ length: this.count }, (_, i) => ({ slot: this.slots[i], score: this.scores[i] }));
    return out.sort((a, b) => b.score - a.score || a.slot - b.slot);
  }

  private siftUp(at: number, slot: number, score: number): void {
    let i = at;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.scores[parent] <= score) break;
      this.scores[i] = this.scores[parent];
      this.slots[i] = this.slots[parent];
      i = parent;
    }
    this.scores[i] = score;
    this.slots[i] = slot;
  }

  private siftDown(at: number, slot: number, score: number): void {
    let i = at;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.count) break;
      const right = left + 1;
      const child = right < this.count && this.scores[right] < this.scores[left] ? right : left;
      if (this.scores[child] >= score) break;
      this.scores[i] = this.scores[child];
      this.slots[i] = this.slots[child];
      i = child;
    }
    this.scores[i] = score;
    this.slots[i] = slot;
  }
}
