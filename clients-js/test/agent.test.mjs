// The Node agent driven over its HTTP control API, against the reference server and scripted raw ws servers.
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { requestJson, startProcess, startRawServer, stopProcess } from './helpers.mjs';

let server;
let agent;
let wsUrl;
let adminUrl;
let controlUrl;

const control = (method, path, body) => requestJson(method, `${controlUrl}${path}`, body);
/** POSTs to the control API and returns the reply body, asserting the 200 every operation outcome gets. */
async function post(path, body) {
  const reply = await control('POST', path, body);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
}
async function get(path) {
  const reply = await control('GET', path);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
}
/** Creates an agent client and returns its id. */
async function connectClient(url = wsUrl, options) {
  const reply = await post('/clients', options === undefined ? { url } : { url, options });
  assert.ok(reply.result?.client, JSON.stringify(reply));
  return reply.result.client;
}
const emit = (event, args, namespace) =>
  requestJson('POST', `${adminUrl}/admin/emit${namespace ? `?namespace=${encodeURIComponent(namespace)}` : ''}`,
    { event, args });

/** A port nothing listens on: bound once by the OS, then released. */
async function freePort() {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

before(async () => {
  [server, agent] = await Promise.all([
    startProcess('reference-server.mjs', ['--port', '0', '--admin-port', '0']),
    startProcess('agent.mjs', ['--port', '0']),
  ]);
  wsUrl = `ws://127.0.0.1:${server.ports.ws}`;
  adminUrl = `http://127.0.0.1:${server.ports.admin}`;
  controlUrl = `http://127.0.0.1:${agent.ports.control}`;
});

after(async () => {
  assert.equal(await stopProcess(agent.child), 0, 'agent exits cleanly on SIGTERM');
  assert.equal(await stopProcess(server.child), 0);
});

describe('control API basics', () => {
  test('start-up line and health', async () => {
    assert.match(agent.line, /^listening control=\d+$/);
    assert.deepEqual(await get('/health'), { status: 'ok', language: 'node', library: 'rpc-websockets 10.0.1', runtime: `Node ${process.version}` });
  });

  test('bad requests, unknown clients and unknown paths', async () => {
    assert.equal((await control('POST', '/clients', '{oops')).status, 400);
    assert.equal((await control('POST', '/clients', { options: {} })).status, 400, 'url is required');
    assert.equal((await control('POST', '/clients', { url: wsUrl, options: { reconnect: 'yes' } })).status, 400);
    assert.equal((await control('POST', '/clients', { url: 'not a url' })).status, 400);
    assert.deepEqual(await control('POST', '/clients/c999/call', { method: 'sum' }),
      { status: 404, body: { error: 'unknown client c999' }, contentType: 'application/json' });
    assert.equal((await control('GET', '/nothing')).status, 404);
    const id = await connectClient();
    assert.equal((await control('POST', `/clients/${id}/call`, { params: [1] })).status, 400, 'method is required');
    assert.equal((await control('POST', `/clients/${id}/subscribe`, { event: ['newsUpdate'] })).status, 400);
    assert.equal((await control('GET', `/clients/${id}/events?waitMs=soon`)).status, 400);
    await control('DELETE', `/clients/${id}`);
  });
});

describe('connecting', () => {
  test('reports the options the npm Client lacks', async () => {
    const reply = await post('/clients', {
      url: wsUrl,
      options: { reconnect: true, reconnectInterval: 200, maxReconnects: 3, backoff: true,
        restoreOnReconnect: true, pingIntervalMs: 1000, pongTimeoutMs: 500, waitForReconnect: true },
    });
    assert.deepEqual(reply.result.ignored, ['backoff', 'restoreOnReconnect', 'pingIntervalMs', 'pongTimeoutMs',
      'waitForReconnect']);
    const plain = await post('/clients', { url: wsUrl });
    assert.deepEqual(Object.keys(plain.result), ['client']);
    assert.notEqual(plain.result.client, reply.result.client);
  });

  test('a refused connection is a connection error', async () => {
    const reply = await post('/clients', { url: `ws://127.0.0.1:${await freePort()}` });
    assert.equal(reply.error.kind, 'connection');
    assert.match(reply.error.message, /ECONNREFUSED/);
  });

  test('headers and subprotocols reach the handshake', async () => {
    const raw = await startRawServer();
    try {
      const id = await connectClient(`${raw.url}/some/path`, {
        headers: { Authorization: 'Bearer t0ken' },
        subprotocols: ['rpcws.v1', 'other'],
      });
      assert.equal(raw.handshakes[0].authorization, 'Bearer t0ken');
      assert.equal(raw.handshakes[0]['sec-websocket-protocol'], 'rpcws.v1,other');
      await control('DELETE', `/clients/${id}`);
    } finally {
      await raw.kill();
    }
  });
});

describe('calls', () => {
  let id;
  before(async () => { id = await connectClient(); });

  test('results', async () => {
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'sum', params: [1, 2] }), { result: 3 });
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'subtract', params: { minuend: 42, subtrahend: 23 } }),
      { result: 19 });
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'greet' }), { result: 'Hello, subscriber!' });
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'echo', params: { deep: [1, { x: null }] } }),
      { result: { deep: [1, { x: null }] } });
  });

  test('server errors keep data absent or null as sent', async () => {
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'nope' }),
      { error: { kind: 'rpc', code: -32601, message: 'Method not found' } });
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'throwsNoData' }),
      { error: { kind: 'rpc', code: -32051, message: 'No data', data: null } });
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'throwsJsError' }),
      { error: { kind: 'rpc', code: -32000, message: 'Error', data: 'Server error details' } });
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'cryptic' }),
      { error: { kind: 'rpc', code: -32605, message: 'Method forbidden' } });
  });

  test('a reply without result is malformed', async () => {
    const reply = await post(`/clients/${id}/call`, { method: 'update' });
    assert.equal(reply.error.kind, 'malformed');
  });

  test('timeouts: per call, and the client default', async () => {
    const started = Date.now();
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'hang', params: [2000], timeoutMs: 100 }),
      { error: { kind: 'timeout', message: 'reply timeout' } });
    assert.ok(Date.now() - started < 1500);

    const impatient = await connectClient(wsUrl, { callTimeoutMs: 100 });
    assert.equal((await post(`/clients/${impatient}/call`, { method: 'hang', params: [2000] })).error.kind, 'timeout');
    // A call's own timeout wins over the default.
    assert.deepEqual(await post(`/clients/${impatient}/call`, { method: 'hang', params: [200], timeoutMs: 2000 }),
      { result: 'done' });
    await control('DELETE', `/clients/${impatient}`);
  });

  test('a bare error value is rpc-raw', async () => {
    const first = await connectClient();
    const second = await connectClient();
    const credentials = { params: { username: 'foo', password: 'bar' } };
    assert.deepEqual(await post(`/clients/${first}/login`, credentials), { result: true });
    assert.deepEqual(await post(`/clients/${second}/login`, credentials), { result: true });
    assert.deepEqual(await post(`/clients/${first}/call`, { method: 'sqrt_protected', params: [16] }),
      { error: { kind: 'rpc-raw', value: 'Socket ID does not match!' } });
    assert.deepEqual(await post(`/clients/${second}/call`, { method: 'sqrt_protected', params: [16] }), { result: 4 });
  });
});

describe('the wire seen by a raw server', () => {
  test('an event without arguments overtakes an earlier one of the same read (deviation C11)', async () => {
    const raw = await startRawServer((socket) => socket.on('message', (data) => {
      const { id } = JSON.parse(data.toString());
      socket.send(JSON.stringify({ jsonrpc: '2.0', result: { newsUpdate: 'ok' }, id }));
    }));
    try {
      const connection = raw.nextConnection();
      const id = await connectClient(raw.url);
      const socket = await connection;
      assert.deepEqual(await post(`/clients/${id}/subscribe`, { event: 'newsUpdate' }), { result: { newsUpdate: 'ok' } });
      // Two unmasked text frames in one TCP write, so the client reads them together: the library emits an
      // event with arguments in a microtask and one without at once.
      const textFrame = (text) => Buffer.concat([Buffer.from([0x81, Buffer.byteLength(text)]), Buffer.from(text)]);
      socket._socket.write(Buffer.concat([
        textFrame('{"notification":"newsUpdate","params":["first"]}'),
        textFrame('{"notification":"newsUpdate","params":[]}'),
      ]));
      assert.deepEqual((await get(`/clients/${id}/events?event=newsUpdate&count=2&waitMs=3000`)).result, [
        { event: 'newsUpdate', args: [] },
        { event: 'newsUpdate', args: ['first'] },
      ]);
      await control('DELETE', `/clients/${id}`);
    } finally {
      await raw.kill();
    }
  });

  test('call and notify omit params when none are given', async () => {
    const raw = await startRawServer();
    try {
      const connection = raw.nextConnection();
      const id = await connectClient(raw.url);
      const socket = await connection;
      const frames = [];
      socket.on('message', (data) => {
        const text = data.toString();
        frames.push(text);
        const { id: requestId } = JSON.parse(text);
        if (requestId) socket.send(`{"jsonrpc":"2.0","result":"hi","id":${requestId}}`);
      });

      assert.deepEqual(await post(`/clients/${id}/call`, { method: 'greet' }), { result: 'hi' });
      assert.deepEqual(await post(`/clients/${id}/call`, { method: 'sum', params: [1, 2] }), { result: 'hi' });
      assert.deepEqual(await post(`/clients/${id}/notify`, { method: 'sum', params: [1, 2] }), { result: null });
      assert.deepEqual(await post(`/clients/${id}/notify`, { method: 'greet' }), { result: null });
      // One more round trip so both notifications have certainly arrived.
      await post(`/clients/${id}/call`, { method: 'greet' });
      assert.deepEqual(frames, [
        '{"jsonrpc":"2.0","method":"greet","id":1}',
        '{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":2}',
        '{"jsonrpc":"2.0","method":"sum","params":[1,2]}',
        '{"jsonrpc":"2.0","method":"greet"}',
        '{"jsonrpc":"2.0","method":"greet","id":3}',
      ]);
      await control('DELETE', `/clients/${id}`);
    } finally {
      await raw.kill();
    }
  });
});

describe('subscriptions and login', () => {
  test('events as the library delivers them, with long polls', async () => {
    const id = await connectClient();
    assert.deepEqual(await post(`/clients/${id}/subscribe`, { event: 'newsUpdate' }), { result: { newsUpdate: 'ok' } });
    // The npm Client resolves with the status map even when the event is invalid (deviation C4).
    assert.deepEqual(await post(`/clients/${id}/subscribe`, { event: 'nope' }),
      { result: { nope: 'provided event invalid' } });

    // Each event is awaited before the next emit: the npm Client reorders events that arrive in one read
    // (deviation C11, pinned in 'the wire seen by a raw server').
    const emitted = [[['fox', 'mtv']], [[{ foo: 'bar' }]], [[]], [[{ a: 1 }], '/']];
    for (const [count, [args, namespace]] of emitted.entries()) {
      await emit('newsUpdate', args, namespace);
      await get(`/clients/${id}/events?event=newsUpdate&count=${count + 1}&waitMs=3000`);
    }
    const { result } = await get(`/clients/${id}/events?event=newsUpdate`);
    assert.deepEqual(result, [
      { event: 'newsUpdate', args: ['fox', 'mtv'] },
      { event: 'newsUpdate', args: [{ foo: 'bar' }] },
      { event: 'newsUpdate', args: [] },
      { event: 'newsUpdate', args: [{ a: 1 }] },
    ]);

    // A poll that cannot be satisfied returns what is there once waitMs has passed.
    let started = Date.now();
    assert.equal((await get(`/clients/${id}/events?count=5&waitMs=300`)).result.length, 4);
    assert.ok(Date.now() - started >= 290);

    // A waiting poll returns as soon as the awaited event arrives.
    started = Date.now();
    const poll = get(`/clients/${id}/events?count=5&waitMs=5000`);
    await emit('newsUpdate', ['late']);
    assert.deepEqual((await poll).result.at(-1), { event: 'newsUpdate', args: ['late'] });
    assert.ok(Date.now() - started < 2500);

    assert.deepEqual(await post(`/clients/${id}/unsubscribe`, { event: 'newsUpdate' }), { result: { newsUpdate: 'ok' } });
    await emit('newsUpdate', ['unheard']);
    await emit('updatedNews', ['not subscribed']);
    assert.deepEqual((await get(`/clients/${id}/events?event=updatedNews`)).result, []);
    assert.equal((await get(`/clients/${id}/events`)).result.length, 5);
    await control('DELETE', `/clients/${id}`);
  });

  test('login: errors, auth failure, then protected event and method', async () => {
    const id = await connectClient();
    assert.deepEqual(await post(`/clients/${id}/subscribe`, { event: 'secretNews' }),
      { error: { kind: 'rpc', code: -32606, message: 'Event forbidden' } });
    assert.deepEqual(await post(`/clients/${id}/login`, {}),
      { error: { kind: 'rpc', code: -32604, message: 'Params not found' } });
    assert.deepEqual(await post(`/clients/${id}/login`, { params: { username: 'foo', password: 'nope' } }),
      { error: { kind: 'auth', message: 'authentication failed' } });
    assert.deepEqual(await post(`/clients/${id}/login`, { params: { username: 'foo', password: 'bar' } }),
      { result: true });
    assert.deepEqual(await post(`/clients/${id}/subscribe`, { event: 'secretNews' }), { result: { secretNews: 'ok' } });
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'cryptic' }), { result: 'boohoo' });
    await emit('secretNews', ['classified']);
    assert.deepEqual((await get(`/clients/${id}/events?count=1&waitMs=3000`)).result,
      [{ event: 'secretNews', args: ['classified'] }]);
    await control('DELETE', `/clients/${id}`);
  });
});

describe('pause and resume', () => {
  test('a paused client answers no pings until resumed', async () => {
    const raw = await startRawServer();
    try {
      const connection = raw.nextConnection();
      const id = await connectClient(raw.url);
      const socket = await connection;
      const pongs = [];
      socket.on('pong', (data) => pongs.push(data.toString()));
      const pongArrives = (payload, ms) => new Promise((resolve) => {
        const check = () => { if (pongs.includes(payload)) finish(true); };
        const finish = (seen) => { clearTimeout(timer); socket.off('pong', check); resolve(seen); };
        const timer = setTimeout(() => finish(false), ms);
        socket.on('pong', check);
        check();
      });

      socket.ping('before');
      assert.equal(await pongArrives('before', 2000), true, 'an unpaused client answers pings');

      assert.deepEqual(await post(`/clients/${id}/pause`), { result: null });
      socket.ping('paused');
      assert.equal(await pongArrives('paused', 400), false, 'no pong while paused');

      assert.deepEqual(await post(`/clients/${id}/resume`), { result: null });
      assert.equal(await pongArrives('paused', 2000), true, 'the queued ping is answered after resume');
      await control('DELETE', `/clients/${id}`);
    } finally {
      await raw.kill();
    }
  });
});

describe('close and lifecycle', () => {
  test('close records open and close, then calls fail as not connected', async () => {
    const id = await connectClient();
    assert.deepEqual(await get(`/clients/${id}/lifecycle`), { result: { state: 'connected', log: [{ type: 'open' }] } });
    assert.deepEqual(await post(`/clients/${id}/close`, { code: 1000, reason: 'bye' }), { result: null });
    assert.deepEqual(await get(`/clients/${id}/lifecycle`), {
      result: { state: 'closed', log: [{ type: 'open' }, { type: 'close', code: 1000, reason: 'bye' }] },
    });
    assert.deepEqual(await post(`/clients/${id}/call`, { method: 'sum', params: [1, 2] }),
      { error: { kind: 'connection', message: 'socket not ready' } });
    assert.equal((await post(`/clients/${id}/pause`)).error.kind, 'connection');

    assert.deepEqual(await control('DELETE', `/clients/${id}`),
      { status: 200, body: { result: null }, contentType: 'application/json' });
    assert.equal((await control('GET', `/clients/${id}/lifecycle`)).status, 404);
  });

  test('a drop reconnects with a plain second open; no invented events', async () => {
    const raw = await startRawServer((socket) => {
      if (raw.handshakes.length === 1) setTimeout(() => socket.close(4000, 'again'), 50);
    });
    try {
      const id = await connectClient(raw.url, { reconnectInterval: 50, maxReconnects: 2 });
      let { result } = await get(`/clients/${id}/lifecycle?type=open&count=2&waitMs=3000`);
      assert.deepEqual(result, {
        state: 'connected',
        log: [{ type: 'open' }, { type: 'close', code: 4000, reason: 'again' }, { type: 'open' }],
      });

      // The server vanishes: one attempt fails, then the npm Client gives up (max_reconnects - 1 attempts).
      await raw.kill();
      ({ result } = await get(`/clients/${id}/lifecycle?type=maxReconnectsReached&count=1&waitMs=3000`));
      assert.equal(result.state, 'closed');
      assert.deepEqual(result.log.slice(3, 4), [{ type: 'close', code: 1006, reason: '' }]);
      assert.equal(result.log[4].type, 'error');
      assert.match(result.log[4].message, /ECONNREFUSED/);
      assert.deepEqual(result.log.slice(5), [{ type: 'maxReconnectsReached', code: 1006, reason: '' }]);
      await control('DELETE', `/clients/${id}`);
    } finally {
      await raw.kill();
    }
  });

  test('state is reconnecting while the next attempt is pending, closed after a 1000 close', async () => {
    const raw = await startRawServer((socket) => setTimeout(() => socket.close(4001), 20));
    try {
      const waiting = await connectClient(raw.url, { reconnectInterval: 60_000 });
      assert.equal((await get(`/clients/${waiting}/lifecycle?type=close&count=1&waitMs=3000`)).result.state,
        'reconnecting');
      await control('DELETE', `/clients/${waiting}`);
    } finally {
      await raw.kill();
    }

    const normal = await startRawServer((socket) => setTimeout(() => socket.close(1000, 'done'), 20));
    try {
      const id = await connectClient(normal.url, { reconnectInterval: 50 });
      await get(`/clients/${id}/lifecycle?type=close&count=1&waitMs=3000`);
      // Give a reconnect six intervals to show up; none may.
      const { result } = await get(`/clients/${id}/lifecycle?type=open&count=2&waitMs=300`);
      assert.deepEqual(result, { state: 'closed', log: [{ type: 'open' }, { type: 'close', code: 1000, reason: 'done' }] });
      assert.equal(normal.handshakes.length, 1, 'a 1000 close never reconnects');
      await control('DELETE', `/clients/${id}`);
    } finally {
      await normal.kill();
    }
  });
});
