// A small keep-alive HTTP/1.1 load generator on raw sockets (node's own http client would be the bottleneck):
// `connections` sockets, each sending one request after the other, until `count` requests or `seconds` passed.
import { connect } from 'node:net';

/**
 * @param {{port: number, path?: string, connections: number, count: number, seconds: number,
 *          request: (i: number) => {headers: Record<string,string>, body: Buffer}}} options
 * @returns {Promise<{done: number, seconds: number, rps: number, p50: number, p99: number, statuses: Record<number, number>}>}
 */
export async function load({ port, path = '/', connections, count, seconds, request }) {
  const latencies = new Float64Array(count);
  const statuses = {};
  let started = 0;
  let done = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  const one = () =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      socket.setNoDelay(true);
      let buffer = Buffer.alloc(0);
      let sentAt = 0;
      const next = () => {
        if (started >= count || performance.now() > deadline) {
          socket.end();
          return resolve();
        }
        const { headers, body } = request(started++);
        let head = `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: ${body.length}\r\n`;
        for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
        sentAt = performance.now();
        socket.write(Buffer.concat([Buffer.from(head + '\r\n'), body]));
      };
      socket.on('connect', next);
      socket.on('data', (chunk) => {
        buffer = buffer.length ? Buffer.concat([buffer, chunk]) : chunk;
        for (;;) {
          const end = buffer.indexOf('\r\n\r\n');
          if (end < 0) return;
          const head = buffer.subarray(0, end).toString('latin1');
          const length = Number(/content-length:\s*(\d+)/i.exec(head)?.[1] ?? 0);
          if (buffer.length < end + 4 + length) return;
          const status = Number(head.slice(9, 12));
          statuses[status] = (statuses[status] ?? 0) + 1;
          latencies[done++] = performance.now() - sentAt;
          buffer = buffer.subarray(end + 4 + length);
          next();
        }
      });
      socket.on('error', reject);
    });
  await Promise.all(Array.from({ length: connections }, one));
  const elapsed = (performance.now() - t0) / 1000;
  const sorted = latencies.subarray(0, done).sort();
  const pct = (p) => sorted[Math.min(done - 1, Math.floor((p / 100) * done))] ?? NaN;
  return { done, seconds: elapsed, rps: done / elapsed, p50: pct(50), p99: pct(99), statuses };
}
