import { endianness } from 'node:os';

type ViewConstructor = new (buffer: ArrayBuffer) => ArrayBufferView;

/** The binary views the codecs carry, by the name stored in the encoded form. */
export const VIEW_KINDS: readonly (readonly [string, ViewConstructor, number])[] = [
  ['Int8Array', Int8Array, 1],
  ['Uint8Array', Uint8Array, 1],
  ['Uint8ClampedArray', Uint8ClampedArray, 1],
  ['Int16Array', Int16Array, 2],
  ['Uint16Array', Uint16Array, 2],
  ['Int32Array', Int32Array, 4],
  ['Uint32Array', Uint32Array, 4],
  ['Float32Array', Float32Array, 4],
  ['Float64Array', Float64Array, 8],
  ['BigInt64Array', BigInt64Array, 8],
  ['BigUint64Array', BigUint64Array, 8],
  ['DataView', DataView, 1],
];

const KIND_BY_NAME = new Map(
  VIEW_KINDS.map(([name, ctor, size], index) => [name, { index, ctor, size }]),
);

/** The registered kind of a view (by its `Symbol.toStringTag`), or undefined for an unknown one. */
export function viewKind(
  view: ArrayBufferView,
): { index: number; name: string; size: number } | undefined {
  const name = (view as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag];
  const kind = KIND_BY_NAME.get(name);
  return kind && { index: kind.index, name, size: kind.size };
}

/** The kind stored under `name` (JSON form) or `index` (binary form). */
export function kindByName(name: string): { ctor: ViewConstructor; size: number } | undefined {
  return KIND_BY_NAME.get(name);
}

/** Whether this host stores numbers little-endian (every platform Node ships for but s390x). */
export const HOST_LITTLE_ENDIAN = endianness() === 'LE';

/** Reverses the byte order of each `size`-byte element, in place. */
function swapElements(bytes: Uint8Array, size: number): Uint8Array {
  for (let at = 0; at + size <= bytes.length; at += size) {
    bytes.subarray(at, at + size).reverse();
  }
  return bytes;
}

/**
 * The bytes of a view in little-endian element order (the wire order of both formats). On a
 * little-endian host this is the view's own memory, without a copy.
 */
export function toWireBytes(
  view: ArrayBufferView,
  size: number,
  littleEndianHost = HOST_LITTLE_ENDIAN,
): Uint8Array {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return littleEndianHost || size === 1 ? bytes : swapElements(new Uint8Array(bytes), size);
}

/** Rebuilds a view of kind `name` from wire bytes, into fresh (aligned) memory. */
export function fromWireBytes(
  bytes: Uint8Array,
  kind: { ctor: ViewConstructor; size: number },
  littleEndianHost = HOST_LITTLE_ENDIAN,
): ArrayBufferView {
  // A fresh copy: aligned for the view, and not sharing memory with the input.
  const copy = new Uint8Array(bytes);
  if (!littleEndianHost && kind.size > 1) swapElements(copy, kind.size);
  return new kind.ctor(copy.buffer);
}
