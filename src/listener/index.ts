export { startListener, ListenError, type Listener } from './server.js';
export type { ListenerEvents } from './engine.js';
export { HttpForwardSink, parseRoute, type HttpForwardOptions, type Route } from './http-forward-sink.js';
export { eventMatcher, globToRegExp } from './glob.js';
export { recordingName } from './recorder.js';
export type { EventSink, ListenerEventRecord, ListenerOptions, ListenerStats, ReceivedEvent } from './types.js';
