import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** One file of the page, held in memory with its validator. */
export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

// src/inspector/, dist/inspector/ and the bundled dist/cli/ are all two levels below the package root.
const PAGE_DIR = new URL('../../dist/inspector-page/', import.meta.url);

/** The page's bundle (built by `npm run bundle:page`), read once: the inspector serves it from memory. */
export function loadAssets(): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const [name, type] of [
    ['app.js', 'text/javascript; charset=utf-8'],
    ['app.css', 'text/css; charset=utf-8'],
  ] as const) {
    let body: Buffer;
    try {
      body = readFileSync(new URL(name, PAGE_DIR));
    } catch {
      throw new Error(`the inspector's page is not built (dist/inspector-page/${name} is missing): run npm run build`);
    }
    assets.set(`/${name}`, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 16)}"` });
  }
  return assets;
}

const escapeAttr = (s: string) => s.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

const ICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%23245'/%3E%3Cpath d='M3 11h4l2-6h4' stroke='%23fff' stroke-width='2' fill='none'/%3E%3C/svg%3E";

/** The page's HTML: the token (for the Authorization header of state changes) and the assets' versions. */
export function indexHtml(token: string, assets: Map<string, Asset>): string {
  const v = (name: string) => encodeURIComponent(assets.get(name)!.etag.slice(1, 9));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="switchyard-token" content="${escapeAttr(token)}">
<title>switchyard inspector</title>
<link rel="icon" href="${ICON}">
<link rel="stylesheet" href="/app.css?v=${v('/app.css')}">
<script type="module" src="/app.js?v=${v('/app.js')}"></script>
</head>
<body><div id="app"><p class="boot">Loading the inspector…</p></div><noscript>The inspector needs JavaScript.</noscript></body>
</html>
`;
}
