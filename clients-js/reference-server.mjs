// The Node reference server: the canonical rpc-websockets 10.0.1 Server loaded with the compat fixture
// (docs/compat-fixture.md) plus the admin HTTP API. The fixture below is the executable definition of the
// fixture, and the library's own behaviour (including its crash bugs) is deliberately left untouched.
//
//   node reference-server.mjs [--port 8080] [--admin-port 8081] [--host 127.0.0.1]
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Server } from 'rpc-websockets';

const { values: cli } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    'admin-port': { type: 'string', default: '8081' },
    host: { type: 'string', default: '127.0.0.1' },
  },
});

const server = new Server({ port: Number(cli.port), host: cli.host });
loadCompatFixture(server);

/** Registers the compat fixture; registration order is what `__listMethods` reports. */
function loadCompatFixture(server) {
  // Socket id of the connection that last logged in successfully, for `sqrt_protected`.
  let lastLoginSocketId;

  // Params a method does not take fail alike on both fixtures (docs/compat-fixture.md), never with JavaScript's
  // own coercions ("12" for 1 + "2") or TypeErrors, so that odd params compare byte for byte.
  const isNumber = (value) => typeof value === 'number';
  const invalidParams = (detail) => server.createError(-32602, 'Invalid params', detail);
  const squareRoot = (params) => {
    const n = Array.isArray(params) && params.length === 1 ? params[0] : params;
    if (!isNumber(n)) throw invalidParams('sqrt takes a number or [number]');
    return Math.sqrt(n);
  };

  server.register('sum', (params) => {
    if (!Array.isArray(params) || !params.every(isNumber)) throw invalidParams('sum takes an array of numbers');
    return params.reduce((total, n) => total + n, 0);
  });
  server.register('subtract', (params) => {
    if (Array.isArray(params) && params.length === 2 && params.every(isNumber)) return params[0] - params[1];
    if (params !== null && typeof params === 'object' && !Array.isArray(params)
        && isNumber(params.minuend) && isNumber(params.subtrahend)) return params.minuend - params.subtrahend;
    throw invalidParams('subtract takes two numbers: [minuend, subtrahend] or {minuend, subtrahend}');
  });
  server.register('sqrt', squareRoot);
  server.register('greet', (params) => {
    const name = Array.isArray(params) ? params[0] : params;
    return typeof name === 'string' ? `Hello, ${name}!` : 'Hello, subscriber!';
  });
  server.register('echo', (params) => params);
  server.register('notification', () => true);
  server.register('update', () => undefined); // the reply then has no `result` (deviation D1)
  server.register('whoami', (params, socketId) => socketId);
  server.register('hang', (params) => {
    const ms = Array.isArray(params) && typeof params[0] === 'number' ? params[0] : 3000;
    return new Promise((resolve) => setTimeout(() => resolve('done'), ms));
  });
  server.register('cryptic', () => 'boohoo').protected();
  server.register('sqrt_protected', (params, socketId) => {
    // A bare string, not an Error: the library then sends it verbatim as the `error` member.
    if (socketId !== lastLoginSocketId) throw 'Socket ID does not match!';
    return squareRoot(params);
  }).protected();
  server.register('throwsSrvError', () => {
    throw server.createError(-32050, 'Server error', 'Server error details');
  });
  server.register('throwsJsError', () => {
    throw new Error('Server error details');
  });
  server.register('throwsNoData', () => {
    throw server.createError(-32051, 'No data');
  });
  server.setAuth((params, socketId) => {
    const valid = params?.username === 'foo' && params?.password === 'bar';
    if (valid) lastLoginSocketId = socketId;
    return valid;
  });

  for (const name of ['newsUpdate', 'newMail', 'updatedNews', 'newMessage']) server.event(name);
  server.event('secretNews').protected();

  const chat = server.of('/chat');
  chat.register('chatOnly', () => 'in chat');
  chat.event('newMessage');
  chat.event('chatMessage');

  server.of('/chatroom').register('sendMsg', () => 'Message received');

  server.of('/test').event('test');
}

// ---- admin HTTP API ----

// Path -> the one HTTP method it answers.
const ADMIN_ENDPOINTS = { '/health': 'GET', '/admin/connections': 'GET', '/admin/emit': 'POST' };

const admin = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://admin');
  const namespace = url.searchParams.get('namespace');
  if (!Object.hasOwn(ADMIN_ENDPOINTS, url.pathname)) return reply(res, 404, { error: `no such path: ${url.pathname}` });
  const expectedMethod = ADMIN_ENDPOINTS[url.pathname];
  if (req.method !== expectedMethod) return reply(res, 405, { error: `use ${expectedMethod}` });
  try {
    if (url.pathname === '/health') return reply(res, 200, { status: 'ok', server: 'node', runtime: `Node ${process.version}` });
    if (url.pathname === '/admin/connections') {
      return reply(res, 200, Object.keys(server.of(namespace ?? '/').connected()));
    }
    const body = parseEmitBody(await readBody(req));
    if (body.error) return reply(res, 400, { error: body.error });
    // The two flavours differ on the wire: only the global emit flattens a single object/array argument.
    if (namespace === null) server.emit(body.event, ...body.args);
    else server.of(namespace).emit(body.event, ...body.args);
    return reply(res, 200, { ok: true });
  } catch (error) {
    return reply(res, 500, { error: String(error?.message ?? error) });
  }
});

/** Validates `{"event": string, "args"?: array}`; returns `{event, args}` or `{error}`. */
function parseEmitBody(text) {
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    return { error: 'body is not JSON' };
  }
  if (typeof body?.event !== 'string') return { error: 'body needs a string "event"' };
  if (body.args !== undefined && !Array.isArray(body.args)) return { error: '"args" must be an array' };
  return { event: body.event, args: body.args ?? [] };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function reply(res, status, value) {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(value));
}

// ---- start-up and shutdown ----

// Listen on the ws server itself, not on `server`: an admin emit of "listening" or "error" would otherwise
// trigger these handlers, since the library declares events on its own emitter.
const wsListening = new Promise((resolve, reject) => {
  server.wss.once('listening', resolve);
  server.wss.once('error', reject);
});
const adminListening = new Promise((resolve, reject) => {
  admin.once('error', reject);
  admin.listen(Number(cli['admin-port']), cli.host, resolve);
});

try {
  await Promise.all([wsListening, adminListening]);
} catch (error) {
  console.error(`reference server failed to start: ${error.message}`);
  process.exit(1);
}
console.log(`listening ws=${server.wss.address().port} admin=${admin.address().port}`);

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.on(signal, () => {
    admin.close();
    // server.close() leaves open connections alone (library behaviour); exiting drops them.
    server.close().finally(() => process.exit(0));
  });
}
