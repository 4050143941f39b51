// Shared test plumbing: child processes with a start-up line, raw ws peers, a tiny HTTP JSON client.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import WebSocket, { WebSocketServer } from 'ws';

const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));
const FRAME_WAIT_MS = 2000;

/**
 * Starts `node <script> <args>` in clients-js and resolves once it printed its start-up line, with the
 * numbers named in that line (e.g. `listening ws=1 admin=2` -> {ws: 1, admin: 2}).
 */
export async function startProcess(script, args, timeoutMs = 10_000) {
  const child = spawn(process.execPath, [script, ...args], { cwd: PROJECT_DIR, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => { stderr += chunk; });
  const line = await new Promise((resolve, reject) => {
    let stdout = '';
    const fail = (why) => {
      clearTimeout(timer);
      reject(new Error(`${script} ${why}; stderr:\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`printed no start-up line within ${timeoutMs} ms`), timeoutMs);
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const end = stdout.indexOf('\n');
      if (end === -1) return;
      clearTimeout(timer);
      resolve(stdout.slice(0, end));
    });
    child.once('exit', (code) => fail(`exited with code ${code}`));
  });
  const ports = Object.fromEntries([...line.matchAll(/(\w+)=(\d+)/g)].map(([, name, port]) => [name, Number(port)]));
  return { child, line, ports, stderr: () => stderr };
}

/** Sends SIGTERM and resolves with the exit code once the process is gone. */
export async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  return code;
}

/** A plain ws client that records every frame it receives as text, to compare frames verbatim. */
export class RawPeer {
  #frames = [];
  #waiting = [];

  static async connect(url, options) {
    const peer = new RawPeer(new WebSocket(url, options));
    await once(peer.socket, 'open');
    return peer;
  }

  constructor(socket) {
    this.socket = socket;
    socket.on('message', (data) => {
      const text = data.toString('utf8');
      const waiter = this.#waiting.shift();
      if (waiter) waiter(text);
      else this.#frames.push(text);
    });
  }

  send(frame) {
    this.socket.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next received frame; fails when none arrives within `timeoutMs`. */
  next(timeoutMs = FRAME_WAIT_MS) {
    if (this.#frames.length) return Promise.resolve(this.#frames.shift());
    return new Promise((resolve, reject) => {
      const waiter = (text) => {
        clearTimeout(timer);
        resolve(text);
      };
      const timer = setTimeout(() => {
        this.#waiting.splice(this.#waiting.indexOf(waiter), 1);
        reject(new Error(`no frame within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiting.push(waiter);
    });
  }

  /** Sends one frame and returns the next frame received. */
  async exchange(frame) {
    this.send(frame);
    return this.next();
  }

  /** Resolves if no frame arrives within `ms`, otherwise fails with the frame. */
  async expectSilence(ms) {
    const frame = await this.next(ms).catch(() => null);
    if (frame !== null) throw new Error(`expected no frame, got ${frame}`);
  }

  async close() {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    const closed = once(this.socket, 'close');
    this.socket.close();
    await closed;
  }
}

/** A scripted ws server on 127.0.0.1 standing in for a server the agent's clients connect to. */
export async function startRawServer(onConnection = () => {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const handshakes = [];
  wss.on('connection', (socket, request) => {
    handshakes.push(request.headers);
    onConnection(socket, request);
  });
  return {
    wss,
    handshakes,
    url: `ws://127.0.0.1:${wss.address().port}`,
    /** Resolves with the next connection's socket. */
    nextConnection: () => once(wss, 'connection').then(([socket]) => socket),
    /** Stops listening and drops every connection without a close handshake (clients see 1006). */
    async kill() {
      for (const socket of wss.clients) socket.terminate();
      await new Promise((resolve) => wss.close(resolve));
    },
  };
}

/** One HTTP request with an optional JSON body; resolves with the status and the parsed JSON reply. */
export function requestJson(method, url, body) {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const request = http.request(url, { method, agent: false, headers: { 'Content-Type': 'application/json' } });
    request.on('response', async (response) => {
      const chunks = [];
      for await (const chunk of response) chunks.push(chunk);
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve({ status: response.statusCode, body: JSON.parse(text), contentType: response.headers['content-type'] });
      } catch {
        reject(new Error(`${method} ${url}: reply is not JSON: ${text}`));
      }
    });
    request.on('error', reject);
    request.end(payload);
  });
}

/** Re-checks `condition` (sync or async) until it holds or `timeoutMs` passed. */
export async function eventually(condition, timeoutMs = 2000, intervalMs = 20) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
