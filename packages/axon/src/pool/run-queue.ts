/**
 * A bounded FIFO of runs waiting for a free slot. Entries can leave from anywhere (a waiting
 * run was cancelled or timed out), so it is a linked list rather than an array.
 */
export interface RunQueue<T> {
  /** Adds `item` at the back; false (and nothing added) when the queue is full. */
  push(item: T): false | (() => void);
  /** Takes the front item. */
  shift(): T | undefined;
  readonly size: number;
  /** Removes and returns every item. */
  drain(): T[];
}

interface Node<T> {
  item: T;
  prev: Node<T> | undefined;
  next: Node<T> | undefined;
  linked: boolean;
}

/** @param capacity How many items fit; `push` fails beyond it. */
export function createRunQueue<T>(capacity: number): RunQueue<T> {
  let head: Node<T> | undefined;
  let tail: Node<T> | undefined;
  let size = 0;
  const unlink = (node: Node<T>) => {
    if (!node.linked) return;
    node.linked = false;
    if (node.prev) node.prev.next = node.next;
    else head = node.next;
    if (node.next) node.next.prev = node.prev;
    else tail = node.prev;
    size -= 1;
  };
  return {
    push(item) {
      if (size >= capacity) return false;
      const node: Node<T> = { item, prev: tail, next: undefined, linked: true };
      if (tail) tail.next = node;
      else head = node;
      tail = node;
      size += 1;
      return () => unlink(node);
    },
    shift() {
      const node = head;
      if (!node) return undefined;
      unlink(node);
      return node.item;
    },
    get size() {
      return size;
    },
    drain() {
      const items: T[] = [];
      for (let item = this.shift(); item !== undefined; item = this.shift()) items.push(item);
      return items;
    },
  };
}
