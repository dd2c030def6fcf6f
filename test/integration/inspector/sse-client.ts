import { request, type ClientRequest } from 'node:http';

export interface SseMessage {
  id: string;
  event: string;
  data: string;
}

/** A bare Server-Sent Events reader: every message with its id, as a browser's EventSource would see it. */
export interface SseClient {
  messages: SseMessage[];
  /** Resolves once `n` messages of this kind have arrived. */
  until(n: number, event?: string): Promise<SseMessage[]>;
  close(): void;
}

export function openSse(url: string, headers: Record<string, string>): Promise<SseClient> {
  return new Promise((resolve, reject) => {
    const messages: SseMessage[] = [];
    const waiters: (() => void)[] = [];
    let req: ClientRequest;
    const client: SseClient = {
      messages,
      until(n, event) {
        const pick = () => messages.filter((m) => !event || m.event === event);
        return new Promise((done, fail) => {
          const timer = setTimeout(() => fail(new Error(`only ${pick().length} ${event ?? ''} messages: ${JSON.stringify(messages)}`)), 5000);
          const check = () => {
            if (pick().length < n) return false;
            clearTimeout(timer);
            done(pick());
            return true;
          };
          if (!check()) waiters.push(() => void check());
        });
      },
      close: () => req.destroy(),
    };
    req = request(url, { headers: { accept: 'text/event-stream', ...headers } }, (res) => {
      if (res.statusCode !== 200) return reject(new Error(`SSE answered ${res.statusCode}`));
      let buffer = '';
      let id = '';
      res.setEncoding('utf8').on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let data: string | null = null;
          for (const line of block.split('\n')) {
            const at = line.indexOf(':');
            const [field, value] = at < 0 ? [line, ''] : [line.slice(0, at), line.slice(at + 1).replace(/^ /, '')];
            if (field === 'id') id = value;
            else if (field === 'event') event = value;
            else if (field === 'data') data = data === null ? value : `${data}\n${value}`;
          }
          if (data !== null) messages.push({ id, event, data });
          for (const w of waiters) w();
        }
      });
      res.on('error', () => {});
      resolve(client);
    });
    req.on('error', () => {});
    req.end();
  });
}
