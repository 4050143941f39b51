// The Node agent (docs/agent-control-api.md): hosts npm rpc-websockets Clients, used exactly as published,
// behind an HTTP JSON control API so the interop suite can drive them from other languages. By default the
// Client is rpc-websockets 10.0.1; `--library legacy` picks 7.7.0 (installed side by side as
// rpc-websockets-legacy), the Client that old @solana/web3.js installs still run.
//
//   node agent.mjs [--port 0] [--host 127.0.0.1] [--library current|legacy]
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  BadRequest, HostedClient, RECONNECT_OPTIONS, isPlainObject, isNonNegativeNumber, mapOptions, outcome,
} from './hosted-client.mjs';

const PACKAGES = { current: 'rpc-websockets', legacy: 'rpc-websockets-legacy' };
const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_WAIT_MS = 2_000;

const { values: cli } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    library: { type: 'string', default: 'current' },
  },
});

const log = (message) => process.stderr.write(`[agent] ${message}\n`);

if (!Object.hasOwn(PACKAGES, cli.library)) {
  log(`--library must be one of ${Object.keys(PACKAGES).join(', ')}`);
  process.exit(2);
}
const packageName = PACKAGES[cli.library];
const { Client } = await import(packageName);
// 10.x exports no ./package.json; the manifest of either version sits one level above the resolved dist/ entry.
const libraryEntry = createRequire(import.meta.url).resolve(packageName);
const libraryManifest = JSON.parse(readFileSync(path.join(path.dirname(libraryEntry), '..', 'package.json'), 'utf8'));
const LIBRARY = `rpc-websockets ${libraryManifest.version}`;

// Agent option name -> [npm Client option name, check of the value]: the Client passes these on to ws.
const NODE_OPTIONS = {
  ...RECONNECT_OPTIONS,
  headers: ['headers', (v) => isPlainObject(v) && Object.values(v).every((h) => typeof h === 'string')],
  // ws 8.23 reads subprotocols from `protocols` when they come inside the options object (the npm Client
  // passes options as ws's second argument); a `protocol` option would be discarded by ws.
  subprotocols: ['protocols', (v) => Array.isArray(v) && v.every((p) => typeof p === 'string')],
  // wss:// with a private CA: ws passes `ca` on to tls.connect, as users of the npm Client do. The PEM text
  // itself travels, so an agent in a container needs no shared file.
  caPem: ['ca', (v) => typeof v === 'string' && v.includes('BEGIN CERTIFICATE')],
};

/** The net.Socket under the client's ws, which pause/resume act on; throws when not connected. */
function netSocket(hosted) {
  const socket = hosted.client.socket?._socket;
  if (!hosted.client.ready || !socket) throw new Error('socket not ready'); // the library's own wording
  return socket;
}

// ---- HTTP control API ----

const clients = new Map();
let nextClientNumber = 1;

const routes = [
  ['GET', /^\/health$/, () => ({ status: 'ok', language: 'node', library: LIBRARY, runtime: `Node ${process.version}` })],
  ['POST', /^\/clients$/, createClient],
  ['POST', /^\/clients\/([^/]+)\/call$/, (hosted, body) => {
    const method = requireString(body, 'method');
    if (body.timeoutMs !== undefined && !isNonNegativeNumber(body.timeoutMs)) {
      throw new BadRequest('"timeoutMs" must be a non-negative number');
    }
    return outcome(() => hosted.call(method, body.params, body.timeoutMs));
  }],
  ['POST', /^\/clients\/([^/]+)\/notify$/, (hosted, body) => {
    const method = requireString(body, 'method');
    return outcome(() => hosted.client.notify(method, body.params));
  }],
  ['POST', /^\/clients\/([^/]+)\/subscribe$/, (hosted, body) => {
    const event = requireString(body, 'event');
    return outcome(() => hosted.subscribe(event));
  }],
  ['POST', /^\/clients\/([^/]+)\/unsubscribe$/, (hosted, body) => {
    const event = requireString(body, 'event');
    return outcome(() => hosted.unsubscribe(event));
  }],
  ['POST', /^\/clients\/([^/]+)\/login$/, (hosted, body) => outcome(() => hosted.client.login(body.params))],
  ['GET', /^\/clients\/([^/]+)\/events$/, async (hosted, body, query, abortSignal) => ({
    result: await hosted.eventsWhen(query.get('event'), queryNumber(query, 'count'), queryNumber(query, 'waitMs'), abortSignal),
  })],
  ['GET', /^\/clients\/([^/]+)\/lifecycle$/, async (hosted, body, query, abortSignal) => ({
    result: await hosted.lifecycleWhen(query.get('type'), queryNumber(query, 'count'), queryNumber(query, 'waitMs'), abortSignal),
  })],
  // Pausing the net socket stops ws from reading: pings go unanswered, frames wait in the kernel.
  ['POST', /^\/clients\/([^/]+)\/pause$/, (hosted) => outcome(() => { netSocket(hosted).pause(); })],
  ['POST', /^\/clients\/([^/]+)\/resume$/, (hosted) => outcome(() => { netSocket(hosted).resume(); })],
  ['POST', /^\/clients\/([^/]+)\/close$/, async (hosted, body) => {
    if (body.code !== undefined && !Number.isInteger(body.code)) throw new BadRequest('"code" must be an integer');
    if (body.reason !== undefined && typeof body.reason !== 'string') {
      throw new BadRequest('"reason" must be a string');
    }
    return outcome(() => hosted.close(body.code, body.reason, CLOSE_WAIT_MS));
  }],
  ['DELETE', /^\/clients\/([^/]+)$/, (hosted, body, query, abortSignal, id) => {
    hosted.discard();
    clients.delete(id);
    return { result: null };
  }],
];

async function createClient(body) {
  const url = requireString(body, 'url');
  const { clientOptions, callTimeoutMs, ignored } = mapOptions(body.options, NODE_OPTIONS);
  let hosted;
  try {
    hosted = new HostedClient(Client, url, clientOptions, callTimeoutMs);
  } catch (error) {
    throw new BadRequest(`cannot connect to ${url}: ${error.message}`); // ws rejects the URL or options
  }
  try {
    await hosted.waitUntilOpen(CONNECT_TIMEOUT_MS);
  } catch (error) {
    return { error: { kind: 'connection', message: error.message } };
  }
  const id = `c${nextClientNumber++}`;
  clients.set(id, hosted);
  log(`${id} connected to ${url}`);
  return { result: ignored.length ? { client: id, ignored } : { client: id } };
}

async function handle(req, res) {
  const url = new URL(req.url, 'http://agent');
  const match = routes
    .map(([method, pattern, handler]) => ({ method, handler, groups: pattern.exec(url.pathname) }))
    .find((route) => route.method === req.method && route.groups);
  if (!match) throw new BadRequest(`no such endpoint: ${req.method} ${url.pathname}`, 404);

  const body = await readJsonBody(req);
  // Aborted when the caller goes away, so a long poll stops waiting for nobody.
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const isClientRoute = match.groups.length > 1; // the pattern captured a client id
  if (!isClientRoute) return match.handler(body, url.searchParams, abort.signal);

  const id = decodeURIComponent(match.groups[1]);
  const hosted = clients.get(id);
  if (!hosted) throw new BadRequest(`unknown client ${id}`, 404);
  return match.handler(hosted, body, url.searchParams, abort.signal, id);
}

const controlServer = http.createServer((req, res) => {
  handle(req, res).then(
    (value) => reply(res, 200, value),
    (error) => {
      if (!(error instanceof BadRequest)) log(`internal error: ${error.stack ?? error}`);
      reply(res, error.status ?? 500, { error: error.message });
    },
  );
});

/** Reads a JSON object body; an empty body counts as `{}`. */
async function readJsonBody(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (!text) return {};
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new BadRequest('body is not JSON');
  }
  if (!isPlainObject(body)) throw new BadRequest('body must be a JSON object');
  return body;
}

function reply(res, status, value) {
  if (res.destroyed) return;
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

function requireString(body, name) {
  if (typeof body[name] !== 'string') throw new BadRequest(`body needs a string "${name}"`);
  return body[name];
}

function queryNumber(query, name) {
  const text = query.get(name);
  if (text === null) return 0;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0) throw new BadRequest(`"${name}" must be a non-negative number`);
  return value;
}

// ---- start-up and shutdown ----

controlServer.once('error', (error) => {
  log(`cannot listen: ${error.message}`);
  process.exit(1);
});
controlServer.listen(Number(cli.port), cli.host, () => {
  console.log(`listening control=${controlServer.address().port}`);
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    for (const hosted of clients.values()) hosted.discard();
    controlServer.close();
    process.exit(0);
  });
}
