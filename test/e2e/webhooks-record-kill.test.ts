import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { envelopeBody, parseFixture } from '../../src/core/fixtures.js';
import { startListener } from '../../src/listener/index.js';
import { BIN, cleanEnv, runCli } from '../support/run-cli.js';
import { signedStripe } from '../integration/listener/peer.js';

/*
 * `listen --record` answers 200 only once the event's fixture is on disk, and writes concurrent events together.
 * The guarantee under the worst interruption there is, SIGKILL in the middle of a load: every event a sender saw
 * answered 200 is a complete fixture in the folder that verifies, and nothing under a fixture name is half written.
 */

const SECRET = 'whsec_recordKillTestSecret0123456789abcd';
const SENDERS = 24;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Load {
  /** Ids answered 200. */
  acked: string[];
  sent: Set<string>;
  stop: () => void;
  done: Promise<void>;
}

/** SENDERS keep-alive connections, each posting fresh signed events one after the other until stopped or refused. */
function startLoad(url: string, onAck: (count: number) => void): Load {
  const agent = new Agent({ keepAlive: true, maxSockets: SENDERS });
  const acked: string[] = [];
  const sent = new Set<string>();
  let stopped = false;
  let n = 0;
  const post = (id: string) =>
    new Promise<number>((resolve, reject) => {
      const event = signedStripe(SECRET, 'payment_intent.succeeded', id);
      const req = request(url, { method: 'POST', headers: event.headers, agent }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(event.body);
    });
  const sender = async () => {
    while (!stopped) {
      const id = `evt_kill${String(++n).padStart(7, '0')}`;
      sent.add(id);
      const status = await post(id).catch(() => 0);
      if (status === 0) return; // the listener is gone
      if (status === 200) onAck(acked.push(id));
    }
  };
  const done = Promise.all(Array.from({ length: SENDERS }, sender)).then(() => agent.destroy());
  return { acked, sent, stop: () => (stopped = true), done };
}

/** Kill moments: counted in events answered, so that they fall early, mid-batch and deep into the load. */
const moments = [
  { name: 'as the first event is answered', acked: 1 },
  { name: 'after 37 events', acked: 37 },
  { name: 'after 400 events', acked: 400 },
];

describe('webhooks listen --record killed with SIGKILL under load', () => {
  for (const moment of moments) {
    it(`keeps every event answered 200 when killed ${moment.name}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'switchyard-record-kill-'));
      dirs.push(dir);
      const child = spawn(process.execPath, [BIN, 'webhooks', 'listen', '--port', '0', '--secret', SECRET, '--record', dir, '--json'], {
        env: cleanEnv(),
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
      const url = await new Promise<string>((resolve, reject) => {
        let err = '';
        child.stderr.setEncoding('utf8').on('data', (d: string) => {
          err += d;
          const ready = /^\{"ready":true.*\}$/m.exec(err);
          if (ready) resolve((JSON.parse(ready[0]) as { url: string }).url);
        });
        child.on('close', () => reject(new Error(`listen exited early: ${err}`)));
      });

      const load = startLoad(url, (count) => {
        if (count === moment.acked) child.kill('SIGKILL');
      });
      await exited;
      load.stop();
      await load.done;
      expect(load.acked.length).toBeGreaterThanOrEqual(moment.acked);

      const names = readdirSync(dir);
      const fixtures = names.filter((n) => !n.startsWith('.'));
      // Anything else is the journal or a temporary file of a write the kill interrupted, never a fixture name.
      for (const name of names.filter((n) => n.startsWith('.'))) expect(name).toMatch(/^\.(\d{6}-.*\.json\.\d+\.tmp|switchyard-journal-\d+)$/);
      const ids = new Map<string, string>();
      for (const name of fixtures) {
        expect(name).toMatch(/^\d{6}-\d{8}T\d{9}Z-payment_intent\.succeeded\.json$/);
        const parsed = parseFixture(readFileSync(join(dir, name)), name);
        if (parsed.kind !== 'envelope') throw new Error(`${name} is not an envelope`);
        const id = (JSON.parse(envelopeBody(parsed.envelope).toString('utf8')) as { id: string }).id;
        expect(load.sent.has(id)).toBe(true);
        ids.set(id, name);
      }
      expect(load.acked.filter((id) => !ids.has(id))).toEqual([]);
      // ls order is arrival order: numbers run 1..n without a gap among the events answered.
      const numbers = fixtures.map((n) => Number(n.slice(0, 6))).sort((a, b) => a - b);
      expect(new Set(numbers).size).toBe(numbers.length);

      const verified = await runCli(['webhooks', 'verify', ...fixtures.map((n) => join(dir, n)), '--secret', SECRET, '--ignore-time']);
      expect(verified.stderr).toBe('');
      expect(verified.code).toBe(0);

      // A listener started on the folder again clears the abandoned temporary files and the journal.
      const again = await startListener({ port: 0, recordDir: dir });
      await again.close(0);
      expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
    }, 30_000);
  }
});
