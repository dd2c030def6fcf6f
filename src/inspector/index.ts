export { startInspector, type Inspector, type InspectorOptions } from './server.js';
export type { DeliveryFeed } from './store.js';
