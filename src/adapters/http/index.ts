export * from './http-sink.js';
export * from './headers.js';
export { createNodeHttpSink, type NodeHttpSinkOptions } from './node-http-sink.js';
export {
  BreakerRegistry,
  classifyHttpFailure,
  deliver,
  isTargetFailure,
  TransientStatusError,
  type DeliverOptions,
  type DeliveryOutcome,
} from './deliver.js';
