// Injected by the bundler into the CommonJS build of the CLI (package.json "bundle"), where import.meta does not
// exist: the two adapters that resolve an SDK relative to themselves still get their file's URL.
export const import_meta_url: string = require('node:url').pathToFileURL(__filename).href;
