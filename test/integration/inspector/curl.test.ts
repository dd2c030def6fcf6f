import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curlCommand, shellQuote } from '../../../src/inspector/curl.js';
import { startPeer, type Peer } from '../listener/peer.js';

const run = promisify(execFile);
let app: Peer;
let dir: string;
beforeAll(async () => {
  app = await startPeer();
  dir = mkdtempSync(join(tmpdir(), 'switchyard-curl-'));
});
afterAll(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Runs the command as a user pasting it would: a POSIX shell (dash), from a script file. */
async function sendWithShell(command: string): Promise<void> {
  const file = join(dir, `cmd-${Math.random().toString(36).slice(2)}.sh`);
  writeFileSync(file, command + '\n');
  await run('sh', [file]);
}

describe('curlCommand', () => {
  const headers = {
    host: 'example.test', 'content-length': '999', 'content-type': 'application/json',
    'stripe-signature': "t=1,v1=ab'cd", 'x-odd': 'a "quoted" $HOME `whoami` \\ value',
  };
  const bodies: [string, Buffer][] = [
    ['shell metacharacters, quotes, newlines and unicode', Buffer.from(`{"a":"it's $HOME \`id\` \\"q\\" \\\\ %s %d","b":"é ✓ 😀"}\r\n\n`)],
    ['a body starting with @ (curl would read a file)', Buffer.from('@/etc/passwd')],
    ['bytes that are not UTF-8, NUL included', Buffer.from([0, 1, 0x27, 0x25, 0x5c, 0x7f, 0x80, 0xff, 0x0a, 0x41])],
    ['a body larger than one argument may be', Buffer.from(JSON.stringify({ big: 'x\'y'.repeat(40_000) }))],
    ['an empty body', Buffer.alloc(0)],
  ];
  for (const [what, body] of bodies) {
    it(`sends the exact bytes and headers through a real shell: ${what}`, async () => {
      const before = app.requests.length;
      await sendWithShell(curlCommand(`${app.url}/hook?x=1&y=2`, 'POST', headers, body));
      const got = app.requests[before]!;
      expect(got.body.equals(body)).toBe(true);
      expect(got.path).toBe('/hook?x=1&y=2');
      expect(got.headers['stripe-signature']).toBe("t=1,v1=ab'cd");
      expect(got.headers['x-odd']).toBe(headers['x-odd']);
      expect(got.headers.host).not.toBe('example.test');
    });
  }

  it('quotes single quotes the POSIX way', () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
  });
});
