/**
 * `@foundation/events`: structured, correlated events; lossless JSON and binary serialization
 * with size and depth limits; CloudEvents 1.0 mapping; and a bounded, indexed event store.
 *
 * Diagnostics channels: `foundation:events:appended` ({ store, events }),
 * `foundation:events:pruned` ({ store, reason, count, bytes }) and
 * `foundation:events:listener-failed` ({ store, error, event }).
 *
 * @packageDocumentation
 */
export { EventErrorCodes } from './codes.js';
export { EVENTS_CHANNELS } from './diagnostics.js';
export {
  createEvent,
  getDefaultSource,
  type CreateEventOptions,
  type EventSource,
  type FoundationEvent,
} from './event.js';
export {
  findShapeProblem,
  isFoundationEvent,
  MAX_ID_LENGTH,
  MAX_TYPE_LENGTH,
  type ShapeProblem,
} from './event-shape.js';
export {
  defineEvents,
  type EventRegistry,
  type EventSchemas,
  type EventTypeOf,
  type EventValidator,
  type RegisteredEvent,
  type RegistryDefaults,
} from './registry.js';
export {
  diffState,
  functionEntry,
  functionExit,
  stateChange,
  type FunctionCall,
  type FunctionEntryData,
  type FunctionExitData,
  type FunctionOutcome,
  type StateChangeData,
  type StateDiffEntry,
} from './helpers.js';
export {
  deserialize,
  serialize,
  serializedSize,
  type CodecOptions,
  type SerializationFormat,
  type SerializeOptions,
} from './serialization/serialize.js';
export { DEFAULT_MAX_BYTES, DEFAULT_MAX_DEPTH, MAX_DEPTH_LIMIT } from './serialization/limits.js';
export { AMPLIFICATION, AMPLIFICATION_ALLOWANCE_BYTES } from './serialization/decode-budget.js';
export {
  DEFAULT_TRUNCATE_BYTES,
  truncateIfLarge,
  type TruncatedData,
  type TruncateOptions,
} from './serialization/truncate.js';
export {
  BINARY_CONTENT_TYPE,
  eventSerializer,
  JSON_CONTENT_TYPE,
} from './serialization/serializer.js';
export {
  fromCloudEvent,
  toCloudEvent,
  type CloudEventJson,
  type FromCloudEventOptions,
} from './serialization/cloudevents.js';
export {
  DEFAULT_MAX_AGE_MS,
  DEFAULT_MAX_EVENTS,
  DEFAULT_MAX_STORE_BYTES,
  DEFAULT_QUERY_LIMIT,
  EventStore,
  type EventFilter,
  type EventListener,
  type EventPage,
  type EventQuery,
  type EventStoreOptions,
  type EventStoreStats,
  type PruneReason,
  type SubscribeOptions,
} from './store/event-store.js';
export { MemoryStorage } from './store/memory-storage.js';
export { estimateEventSize } from './store/size.js';
export { comparePositions } from './store/sorted-log.js';
export type { NormalizedQuery, StorageAdapter, StoredEntry, StorePosition } from './store/types.js';
