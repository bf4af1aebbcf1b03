import net from 'node:net';
import { once } from 'node:events';

export interface HttpAnswer {
  status: number;
  body: Buffer;
}

/**
 * The load generator's side of a latency bench: one keep-alive HTTP/1.1 connection, one GET
 * at a time, answers read by their Content-Length, the way wrk or autocannon measure. Node's
 * http client spends ~50 µs of the same thread on each request (ClientRequest, the agent,
 * header objects, events); in a bench whose client and server share a process, that would be
 * counted as the service's latency.
 */
export async function openHttpConnection(address: string, headers: Record<string, string>) {
  const url = new URL(address);
  const socket = net.connect({ host: url.hostname, port: Number(url.port), noDelay: true });
  await once(socket, 'connect');
  const fixedHeaders = Object.entries({ host: url.host, ...headers })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');

  let waiting: { resolve(answer: HttpAnswer): void; reject(error: Error): void } | undefined;
  let buffered: Buffer = Buffer.alloc(0);
  let head: { status: number; length: number; bodyStart: number } | undefined;

  const fail = (error: Error) => {
    waiting?.reject(error);
    waiting = undefined;
  };
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('connection closed')));
  socket.on('data', (chunk: Buffer) => {
    buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
    if (!head) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end < 0) return;
      const text = buffered.subarray(0, end).toString('latin1');
      const length = /\r\ncontent-length: *(\d+)/i.exec(text);
      if (!length) return fail(new Error(`answer without Content-Length: ${text.split('\r\n')[0]}`));
      head = { status: Number(text.slice(9, 12)), length: Number(length[1]), bodyStart: end + 4 };
    }
    if (buffered.length < head.bodyStart + head.length) return;
    const answer = { status: head.status, body: buffered.subarray(head.bodyStart, head.bodyStart + head.length) };
    buffered = buffered.subarray(head.bodyStart + head.length);
    head = undefined;
    const done = waiting;
    waiting = undefined;
    done?.resolve(answer);
  });

  return {
    get(path: string): Promise<HttpAnswer> {
      if (waiting) return Promise.reject(new Error('one request at a time'));
      return new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        socket.write(`GET ${path} HTTP/1.1\r\n${fixedHeaders}\r\n`);
      });
    },
    close() {
      socket.destroy();
    },
  };
}
