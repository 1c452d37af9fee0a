import type { Timer } from '@foundation/core';

/** One `acquire` waiting for tokens: a link in its key's FIFO queue. */
export interface Waiter {
  readonly cost: number;
  readonly deadlineMs: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  prev: Waiter | undefined;
  next: Waiter | undefined;
}

/**
 * The waiters of one key, first come first served, with the total cost they wait for and the
 * one timer that wakes the head when its tokens are due.
 */
export class WaitQueue {
  head: Waiter | undefined = undefined;
  tail: Waiter | undefined = undefined;
  /** Tokens every waiter together still needs. */
  pendingCost = 0;
  /** Wakes the head; undefined while nothing is scheduled. */
  timer: Timer | undefined = undefined;

  /** Appends a waiter. */
  push(waiter: Waiter): void {
    waiter.prev = this.tail;
    if (this.tail === undefined) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    this.pendingCost += waiter.cost;
  }

  /** Unlinks a waiter (head or not); returns false when it was no longer queued. */
  remove(waiter: Waiter): boolean {
    if (waiter.prev === undefined && this.head !== waiter) return false;
    if (waiter.prev === undefined) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = waiter.next = undefined;
    this.pendingCost -= waiter.cost;
    return true;
  }
}
