// The load generator, run as its own process (pinned to its own core by the caller):
// autocannon POSTs bodies from a file in turn and prints its result as JSON.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

const [url, bodiesFile, seconds, token, connections] = process.argv.slice(2) as [
  string,
  string,
  string,
  string,
  string,
];
const bodies = JSON.parse(readFileSync(bodiesFile, 'utf8')) as string[];
let next = 0;
const result = await autocannon({
  url,
  method: 'POST',
  connections: Number(connections),
  pipelining: 1,
  duration: Number(seconds),
  headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
  requests: [{ setupRequest: (request) => ({ ...request, body: bodies[next++ % bodies.length] }) }],
});
process.stdout.write(
  JSON.stringify({
    requests: result.requests.average,
    total: result.requests.total,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  }),
);
