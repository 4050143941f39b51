// The Node agent (docs/agent-control-api.md): hosts npm rpc-websockets 10.0.1 Clients, used exactly as
// published, behind an HTTP JSON control API so the interop suite can drive them from other languages.
//
//   node agent.mjs [--port 0] [--host 127.0.0.1]
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from 'rpc-websockets';

// The package exports no ./package.json; its manifest sits one level above the resolved dist/ entry.
const libraryEntry = createRequire(import.meta.url).resolve('rpc-websockets');
const libraryManifest = JSON.parse(readFileSync(path.join(path.dirname(libraryEntry), '..', 'package.json'), 'utf8'));
const LIBRARY = `rpc-websockets ${libraryManifest.version}`;
const CONNECT_TIMEOUT_MS = 10_000;
const CLOSE_WAIT_MS = 2_000;

const { values: cli } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const log = (message) => process.stderr.write(`[agent] ${message}\n`);

/** A request the agent refuses: answered with this HTTP status and `{"error": message}`. */
class BadRequest extends Error {
  constructor(message, status = 400) {
    super(message);
    this.status = status;
  }
}

// ---- option mapping ----

// Agent option name -> [npm Client option name, check of the value].
const MAPPED_OPTIONS = {
  reconnect: ['reconnect', (v) => typeof v === 'boolean'],
  reconnectInterval: ['reconnect_interval', isNonNegativeNumber],
  maxReconnects: ['max_reconnects', isNonNegativeNumber],
  headers: ['headers', (v) => isPlainObject(v) && Object.values(v).every((h) => typeof h === 'string')],
  // ws 8.23 reads subprotocols from `protocols` when they come inside the options object (the npm Client
  // passes options as ws's second argument); a `protocol` option would be discarded by ws.
  subprotocols: ['protocols', (v) => Array.isArray(v) && v.every((p) => typeof p === 'string')],
};

/** Splits agent options into npm Client options, the default call timeout and the ignored names. */
function mapOptions(options = {}) {
  if (!isPlainObject(options)) throw new BadRequest('"options" must be an object');
  const clientOptions = {};
  const ignored = [];
  let callTimeoutMs;
  for (const [name, value] of Object.entries(options)) {
    if (name === 'callTimeoutMs') {
      if (!isNonNegativeNumber(value)) throw new BadRequest('option "callTimeoutMs" has a bad value');
      callTimeoutMs = value; // the npm Client has no default timeout; the agent passes it on every call
    } else if (name === 'caPem') {
      // wss:// with a private CA: ws passes `ca` on to tls.connect, as users of the npm Client do. The PEM
      // text itself travels, so an agent in a container needs no shared file.
      if (typeof value !== 'string') throw new BadRequest('option "caPem" must be PEM text');
      clientOptions.ca = value;
    } else if (Object.hasOwn(MAPPED_OPTIONS, name)) {
      const [clientName, isValid] = MAPPED_OPTIONS[name];
      if (!isValid(value)) throw new BadRequest(`option "${name}" has a bad value`);
      clientOptions[clientName] = value;
    } else {
      ignored.push(name); // backoff, restoreOnReconnect, pings, ...: the npm Client has no such feature
    }
  }
  return { clientOptions, callTimeoutMs, ignored };
}

// ---- one hosted client ----

/** One npm Client plus what the agent records about it: events, lifecycle log, state. */
class HostedClient {
  events = [];
  lifecycle = [];
  #eventListeners = new Map(); // event name -> listener registered on the client
  #waiters = new Set(); // long polls re-checked whenever something is recorded
  #lastCloseCode; // code of the last close of an opened socket, seen right when the library saw it

  constructor(url, clientOptions, callTimeoutMs) {
    this.callTimeoutMs = callTimeoutMs;
    this.client = new Client(url, clientOptions);
    this.client.on('open', () => {
      this.#record(this.lifecycle, { type: 'open' });
      this.#watchSocketClose(this.client.socket);
    });
    this.client.on('close', (code, reason) =>
      this.#record(this.lifecycle, { type: 'close', code, reason: String(reason ?? '') }));
    this.client.on('error', (error) =>
      this.#record(this.lifecycle, { type: 'error', message: errorText(error) }));
    this.client.on('max_reconnects_reached', (code, reason) =>
      this.#record(this.lifecycle, { type: 'maxReconnectsReached', code, reason: String(reason ?? '') }));
  }

  /** Resolves once open; rejects on the first error or after `timeoutMs`, and then stops the client. */
  waitUntilOpen(timeoutMs) {
    return new Promise((resolve, reject) => {
      const settle = (error) => {
        clearTimeout(timer);
        this.client.off('open', onOpen);
        this.client.off('error', onError);
        if (!error) return resolve();
        this.discard();
        reject(error);
      };
      const onOpen = () => settle();
      // Runs before the library's close handler, so the failed attempt schedules no reconnect.
      const onError = (error) => settle(new Error(errorText(error)));
      const timer = setTimeout(() => settle(new Error(`not open after ${timeoutMs} ms`)), timeoutMs);
      this.client.on('open', onOpen);
      this.client.on('error', onError);
    });
  }

  /** Derived from the npm Client itself; see docs/agent-control-api.md. */
  get state() {
    if (this.client.ready) return 'connected';
    if (this.client.socket) return 'connecting';
    // After a close the library schedules a new attempt exactly when willReconnect() holds, except for 1000.
    if (this.#lastCloseCode !== undefined && this.#lastCloseCode !== 1000 && this.client.willReconnect()) {
      return 'reconnecting';
    }
    return 'closed';
  }

  call(method, params, timeoutMs = this.callTimeoutMs) {
    return this.client.call(method, params, timeoutMs);
  }

  /** Listens before sending rpc.on so no event that follows the reply can be missed. */
  subscribe(event) {
    if (!this.#eventListeners.has(event)) {
      const listener = (...args) => this.#record(this.events, { event, args });
      this.#eventListeners.set(event, listener);
      this.client.on(event, listener);
    }
    return this.client.subscribe(event);
  }

  async unsubscribe(event) {
    const result = await this.client.unsubscribe(event);
    const listener = this.#eventListeners.get(event);
    if (listener) this.client.off(event, listener);
    this.#eventListeners.delete(event);
    return result;
  }

  /** The net.Socket under the client's ws, which pause/resume act on; throws when not connected. */
  netSocket() {
    const socket = this.client.socket?._socket;
    if (!this.client.ready || !socket) throw new Error('socket not ready'); // the library's own wording
    return socket;
  }

  /** Closes as the library does and resolves once closed, or after `boundMs`. */
  close(code, reason, boundMs) {
    const socket = this.client.socket;
    if (!socket) return Promise.resolve();
    const wasOpen = this.client.ready;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.client.off('close', done);
        socket.removeEventListener('close', done);
        resolve();
      };
      const timer = setTimeout(done, boundMs);
      // The library's `close` event comes after its own bookkeeping, so the lifecycle log is complete then.
      if (wasOpen) this.client.on('close', done);
      else socket.addEventListener('close', done);
      this.client.close(code, reason);
    });
  }

  /** Stops the client for good: no further reconnect attempts, socket closed. */
  discard() {
    this.client.setAutoReconnect(false);
    clearTimeout(this.client.reconnect_timer_id); // an attempt may already be scheduled
    this.client.close();
  }

  /** Resolves once `isDone()` holds or `waitMs` passed, re-checking on every new record. */
  waitFor(isDone, waitMs, abortSignal) {
    if (isDone() || !(waitMs > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        abortSignal.removeEventListener('abort', finish);
        resolve();
      };
      const check = () => { if (isDone()) finish(); };
      const timer = setTimeout(finish, waitMs);
      this.#waiters.add(check);
      abortSignal.addEventListener('abort', finish);
    });
  }

  #record(list, entry) {
    list.push(entry);
    for (const check of [...this.#waiters]) check();
  }

  #watchSocketClose(socket) {
    socket.addEventListener('close', ({ code }) => { this.#lastCloseCode = code; });
  }
}

// ---- mapping library outcomes to the control API ----

/** Turns whatever the npm Client rejected with into the agent's error object. */
function describeRejection(reason) {
  if (reason instanceof Error) {
    const message = reason.message;
    if (message === 'reply timeout') return { kind: 'timeout', message };
    if (message === 'socket not ready' || message.startsWith('WebSocket is not open')) {
      return { kind: 'connection', message };
    }
    if (message === 'authentication failed') return { kind: 'auth', message };
    if (message.startsWith('Server response malformed')) return { kind: 'malformed', message };
    return { kind: 'other', message };
  }
  if (isPlainObject(reason)) {
    // The server's error member, as sent; `data` stays absent when the server sent none.
    const error = { kind: 'rpc', code: reason.code, message: reason.message };
    if (Object.hasOwn(reason, 'data')) error.data = reason.data;
    return error;
  }
  return { kind: 'rpc-raw', value: reason ?? null };
}

/** Runs a library operation and shapes its outcome as `{result}` or `{error}`. */
async function outcome(operation) {
  try {
    const result = await operation();
    return { result: result === undefined ? null : result };
  } catch (reason) {
    return { error: describeRejection(reason) };
  }
}

// ---- HTTP control API ----

const clients = new Map();
let nextClientNumber = 1;

const routes = [
  ['GET', /^\/health$/, () => ({ status: 'ok', language: 'node', library: LIBRARY })],
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
  ['GET', /^\/clients\/([^/]+)\/events$/, async (hosted, body, query, abortSignal) => {
    const event = query.get('event');
    const matching = () => hosted.events.filter((entry) => event === null || entry.event === event);
    const count = queryNumber(query, 'count');
    await hosted.waitFor(() => matching().length >= count, queryNumber(query, 'waitMs'), abortSignal);
    return { result: matching() };
  }],
  ['GET', /^\/clients\/([^/]+)\/lifecycle$/, async (hosted, body, query, abortSignal) => {
    const type = query.get('type');
    const count = queryNumber(query, 'count');
    const enough = () => hosted.lifecycle.filter((entry) => type === null || entry.type === type).length >= count;
    await hosted.waitFor(enough, queryNumber(query, 'waitMs'), abortSignal);
    return { result: { state: hosted.state, log: hosted.lifecycle } };
  }],
  // Pausing the net socket stops ws from reading: pings go unanswered, frames wait in the kernel.
  ['POST', /^\/clients\/([^/]+)\/pause$/, (hosted) => outcome(() => { hosted.netSocket().pause(); })],
  ['POST', /^\/clients\/([^/]+)\/resume$/, (hosted) => outcome(() => { hosted.netSocket().resume(); })],
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
  const { clientOptions, callTimeoutMs, ignored } = mapOptions(body.options);
  let hosted;
  try {
    hosted = new HostedClient(url, clientOptions, callTimeoutMs);
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

function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error);
}

function isNonNegativeNumber(value) {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** ws reports errors as ErrorEvents or Errors; both carry a message. */
function errorText(error) {
  return String(error?.message ?? error);
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
