// The bench's second load generator, on the npm `ws` package: the transport of the rpc-websockets Node Client.
// One Node process, one event loop. Every connection offers permessage-deflate as that client does (ws's default
// offer, `permessage-deflate; client_max_window_bits`), calls are encoded with JSON.stringify and replies decoded
// with JSON.parse, as the client does; what it leaves out is the client's own bookkeeping (a promise and a timer
// per call). Latencies go into an hdr-histogram-js histogram (3 significant digits), which the benchmark reads in
// HdrHistogram's compressed form.
//
// Driven by the benchmark over a control connection on 127.0.0.1: one JSON request per line, one JSON reply per
// line, the same requests the Java NIO generator answers (bench/README.md, "Generators"). It exits when the
// control connection closes, so it never outlives the benchmark.
//
//   node ws-agent.mjs        # prints `listening control=<port>`
import net from 'node:net';
import readline from 'node:readline';
import hdr from 'hdr-histogram-js';
import WebSocket from 'ws';
import { cpuNanosOf, parseHttpStatus, roundOf, selfCpuNanos, threadWaitNanos } from './proc.mjs';

const groups = new Map(); // name -> { conns: [], subscribed: 0 }
const counters = { protocolErrors: 0, closedByServer: 0, unexpectedFrames: 0, pongs: 0 };
let state = { mode: 'idle' };
let idBase = 0;

const now = () => Number(process.hrtime.bigint());
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const serverProbe = (pid) => (pid > 0 ? () => cpuNanosOf(pid) : () => 0);

function group(name) {
  if (!groups.has(name)) groups.set(name, { conns: [], subscribed: 0 });
  return groups.get(name);
}

// ---- connections ----

function connect(port, source, timeoutMs) {
  return new Promise((resolve) => {
    const options = { handshakeTimeout: timeoutMs };
    if (source) options.localAddress = source;
    const ws = new WebSocket(`ws://127.0.0.1:${port}/`, options);
    const conn = { ws, open: false, socket: null, sentAt: [] };
    ws.on('upgrade', (response) => { conn.socket = response.socket; });
    ws.on('open', () => {
      conn.open = true;
      resolve(conn);
    });
    ws.on('message', (data) => onMessage(conn, data));
    ws.on('ping', () => { counters.pongs++; }); // ws answers it (autoPong)
    ws.on('error', () => {
      if (conn.open) counters.protocolErrors++;
      resolve(conn);
    });
    ws.on('close', () => {
      if (conn.open && !conn.closing) counters.closedByServer++;
      conn.open = false;
      resolve(conn);
    });
  });
}

async function open(g, { port, count, concurrency = 32, timeoutMs = 60000, source }) {
  if (source !== undefined && net.isIPv4(source) === false) throw new Error(`not an IPv4 address: ${source}`);
  const deadline = Date.now() + timeoutMs;
  let next = 0;
  let opened = 0;
  const worker = async () => {
    while (next < count && Date.now() < deadline) {
      next++;
      const conn = await connect(port, source, Math.max(1, deadline - Date.now()));
      if (conn.open) {
        g.conns.push(conn);
        opened++;
      } else {
        close(conn);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const first = g.conns[0];
  return { opened, failed: count - opened, deflate: Boolean(first && first.ws.extensions.includes('permessage-deflate')) };
}

/** A reset, as the NIO generator does: no TIME_WAIT, so thousands of ports come back at once. */
function close(conn) {
  conn.closing = true;
  conn.open = false;
  if (conn.socket) conn.socket.resetAndDestroy();
  else conn.ws.terminate();
}

function onMessage(conn, data) {
  switch (state.mode) {
    case 'calls': return onCallReply(conn, data);
    case 'subscribe': return onSubscribeReply(data);
    case 'fanout': return onNotification(data);
    default: counters.unexpectedFrames++;
  }
}

// ---- calls ----

function sendCall(conn, id) {
  conn.sentAt[(id - state.idBase - 1) % state.inFlight] = now();
  conn.ws.send(JSON.stringify({ jsonrpc: '2.0', method: 'sum', params: [1, 2], id }));
  state.outstanding++;
}

/** A message as the rpc-websockets Client reads it (JSON.parse of the text); undefined unless a JSON object. */
function parse(data) {
  try {
    const message = JSON.parse(data.toString());
    return typeof message === 'object' && message !== null ? message : undefined;
  } catch {
    return undefined;
  }
}

function onCallReply(conn, data) {
  const at = now();
  const reply = parse(data);
  if (reply === undefined) {
    state.errors++;
    return;
  }
  const id = reply.id;
  if (!Number.isInteger(id) || id <= state.idBase) {
    if (Number.isInteger(id) && id > 0) counters.unexpectedFrames++;
    else state.errors++;
    return;
  }
  state.outstanding--;
  if (reply.jsonrpc === '2.0' && reply.result === 3) state.completed++;
  else state.errors++;
  const lane = (id - state.idBase - 1) % state.inFlight;
  if (state.recording) state.histogram.recordValue(at - conn.sentAt[lane]);
  if (!state.stopSending && conn.open) sendCall(conn, id + state.inFlight);
}

async function calls(g, { inFlight, warmupMs, measureMs, serverPid }) {
  const serverCpu = serverProbe(serverPid);
  idBase += 1e9; // replies to an earlier run (none unless its drain timed out) are told apart
  state = {
    mode: 'calls', inFlight, idBase, outstanding: 0, completed: 0, errors: 0, recording: false, stopSending: false,
    histogram: hdr.build({ bitBucketSize: 64, numberOfSignificantValueDigits: 3 }),
  };
  for (const conn of g.conns) {
    conn.sentAt = new Array(inFlight).fill(0);
    for (let lane = 0; lane < inFlight; lane++) sendCall(conn, idBase + lane + 1);
  }
  await sleep(warmupMs);

  const errorsOf = () => state.errors + counters.closedByServer + counters.protocolErrors;
  const serverStart = serverCpu();
  const selfStart = selfCpuNanos();
  const waitStart = threadWaitNanos();
  const errorsAtStart = errorsOf();
  const start = now();
  state.completed = 0;
  state.recording = true;
  await sleep(measureMs);
  state.recording = false;
  const seconds = (now() - start) / 1e9;
  const result = {
    calls: state.completed,
    errors: errorsOf() - errorsAtStart,
    seconds,
    serverCpuNanos: serverCpu() - serverStart,
    selfCpuNanos: selfCpuNanos() - selfStart,
    selfWaitNanos: waitStart < 0 ? -1 : threadWaitNanos() - waitStart,
    histogram: hdr.encodeIntoCompressedBase64(state.histogram),
  };
  state.stopSending = true;
  const drainEnd = Date.now() + 5000;
  while (state.outstanding > 0 && Date.now() < drainEnd) await sleep(10);
  state.histogram.destroy();
  state = { mode: 'idle' };
  return result;
}

// ---- subscriptions and fan-out ----

async function subscribe(g, { event, count, timeoutMs = 60000 }) {
  const upTo = Math.min(count, g.conns.length);
  if (upTo <= g.subscribed) return { subscribed: g.subscribed, errors: 0 };
  state = { mode: 'subscribe', event, pending: upTo - g.subscribed, errors: 0 };
  const request = JSON.stringify({ jsonrpc: '2.0', method: 'rpc.on', params: [event], id: 1 });
  for (const conn of g.conns.slice(g.subscribed, upTo)) conn.ws.send(request);
  const deadline = Date.now() + timeoutMs;
  while (state.pending > 0 && Date.now() < deadline) await sleep(10);
  const errors = state.errors + state.pending;
  g.subscribed = upTo;
  state = { mode: 'idle' };
  return { subscribed: upTo, errors };
}

function onSubscribeReply(data) {
  state.pending--;
  if (parse(data)?.result?.[state.event] !== 'ok') state.errors++;
}

/** One emit through the admin API on a socket of its own, timed from writing the request, as the NIO generator does. */
async function fanout(g, { adminPort, event, round, text, timeoutMs = 10000, serverPid }) {
  const serverCpu = serverProbe(serverPid);
  const expected = g.subscribed;
  const body = JSON.stringify({ event, args: [{ round, text }] });
  const request = `POST /admin/emit HTTP/1.1\r\nHost: 127.0.0.1:${adminPort}\r\nContent-Type: application/json\r\n`
    + `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
  const http = net.connect({ host: '127.0.0.1', port: adminPort, noDelay: true });
  const answer = [];
  const answered = new Promise((resolve) => {
    http.on('data', (chunk) => answer.push(chunk));
    http.on('close', resolve);
    http.on('error', resolve);
  });
  await new Promise((resolve, reject) => { http.once('connect', resolve); http.once('error', reject); });

  let allReceived;
  const done = new Promise((resolve) => { allReceived = resolve; });
  state = { mode: 'fanout', event, round, expected, received: 0, lastAt: 0, allReceived };
  const serverBefore = serverCpu();
  const selfBefore = selfCpuNanos();
  const waitBefore = threadWaitNanos();
  const start = now();
  http.write(request);
  const timer = setTimeout(allReceived, timeoutMs);
  if (expected === 0) allReceived();
  await done;
  clearTimeout(timer);
  await Promise.race([answered, sleep(timeoutMs)]);
  http.destroy();
  const elapsedNanos = now() - start;
  const waitAfter = threadWaitNanos();
  const result = {
    expected,
    received: state.received,
    nanos: state.received > 0 ? state.lastAt - start : -1,
    httpStatus: parseHttpStatus(Buffer.concat(answer).toString('latin1')),
    serverCpuNanos: serverCpu() - serverBefore,
    selfCpuNanos: selfCpuNanos() - selfBefore,
    selfWaitNanos: waitBefore < 0 || waitAfter < 0 ? -1 : waitAfter - waitBefore,
    elapsedNanos,
  };
  state = { mode: 'idle' };
  return result;
}

function onNotification(data) {
  const at = now();
  const message = parse(data);
  if (message === undefined) {
    counters.unexpectedFrames++;
    return;
  }
  if (message.notification !== state.event || roundOf(message.params) !== state.round) {
    counters.unexpectedFrames++;
    return;
  }
  state.received++;
  state.lastAt = at;
  if (state.received === state.expected) state.allReceived();
}

// ---- the control connection ----

async function handle(request) {
  const g = group(request.group ?? '');
  switch (request.op) {
    case 'open': return open(g, request);
    case 'calls': return calls(g, request);
    case 'subscribe': return subscribe(g, request);
    case 'fanout': return fanout(g, request);
    case 'close': {
      g.conns.forEach(close);
      groups.delete(request.group ?? '');
      return { closed: g.conns.length };
    }
    case 'stats': {
      let open = 0;
      for (const { conns } of groups.values()) for (const c of conns) if (c.open) open++;
      return {
        open, protocolErrors: counters.protocolErrors + counters.closedByServer, unexpectedFrames: counters.unexpectedFrames,
        pongs: counters.pongs, inflated: 0,
      };
    }
    case 'exit': // reset every connection first: one the process leaves open at exit keeps its port in TIME_WAIT
      for (const { conns } of groups.values()) conns.forEach(close);
      return {};
    default: throw new Error(`unknown op ${request.op}`);
  }
}

const control = net.createServer((socket) => {
  control.close(); // one controller
  socket.setNoDelay(true);
  let queue = Promise.resolve();
  readline.createInterface({ input: socket }).on('line', (line) => {
    queue = queue.then(async () => {
      let reply;
      let request = {};
      try {
        request = JSON.parse(line);
        reply = await handle(request);
      } catch (error) {
        reply = { error: String(error?.stack ?? error) };
      }
      socket.write(`${JSON.stringify(reply)}\n`);
      if (request.op === 'exit') socket.end(() => process.exit(0));
    });
  });
  socket.on('close', () => process.exit(0));
  socket.on('error', () => process.exit(0));
});
control.listen(0, '127.0.0.1', () => console.log(`listening control=${control.address().port}`));
setTimeout(() => { if (control.listening) process.exit(1); }, 60000).unref(); // nobody came
