// One hosted rpc-websockets Client and what the suite records about it: the part of the agent control API
// (docs/agent-control-api.md) that is the same wherever the Client runs. The Node agent (agent.mjs) imports it
// with the npm Client (10.0.1, or 7.7.0 with --library legacy); the browser page (browser/harness.mjs) imports
// it with the package's browser bundle. It uses only what both Node and browsers offer.

/** A request the agent refuses: answered with this HTTP status and `{"error": message}`. */
export class BadRequest extends Error {
  constructor(message, status = 400) {
    super(message);
    this.status = status;
  }
}

// ---- option mapping ----

/** Agent option names every Client build understands -> [Client option name, check of the value]. */
export const RECONNECT_OPTIONS = {
  reconnect: ['reconnect', (v) => typeof v === 'boolean'],
  reconnectInterval: ['reconnect_interval', isNonNegativeNumber],
  maxReconnects: ['max_reconnects', isNonNegativeNumber],
};

/**
 * Splits agent options into Client options (by `mapped`, agent name -> [Client name, check]), the default call
 * timeout and the names the Client has no use for.
 */
export function mapOptions(options = {}, mapped = RECONNECT_OPTIONS) {
  if (!isPlainObject(options)) throw new BadRequest('"options" must be an object');
  const clientOptions = {};
  const ignored = [];
  let callTimeoutMs;
  for (const [name, value] of Object.entries(options)) {
    if (name === 'callTimeoutMs') {
      if (!isNonNegativeNumber(value)) throw new BadRequest('option "callTimeoutMs" has a bad value');
      callTimeoutMs = value; // the npm Client has no default timeout; every call gets this one
    } else if (Object.hasOwn(mapped, name)) {
      const [clientName, isValid] = mapped[name];
      if (!isValid(value)) throw new BadRequest(`option "${name}" has a bad value`);
      clientOptions[clientName] = value;
    } else {
      ignored.push(name); // backoff, restoreOnReconnect, pings, ...: the npm Client has no such feature
    }
  }
  return { clientOptions, callTimeoutMs, ignored };
}

// ---- one hosted client ----

/** One npm Client plus what is recorded about it: events, lifecycle log, state. */
export class HostedClient {
  events = [];
  lifecycle = [];
  #eventListeners = new Map(); // event name -> listener registered on the client
  #waiters = new Set(); // long polls re-checked whenever something is recorded
  #lastCloseCode; // code of the last close of an opened socket, seen right when the library saw it

  /** `Client`: the library's Client class, constructed here exactly as an application would. */
  constructor(Client, url, clientOptions, callTimeoutMs) {
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
    // rpc-websockets 7.x never emits this one; 10.x does.
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

  /** Derived from the Client itself; see docs/agent-control-api.md. */
  get state() {
    if (this.client.ready) return 'connected';
    if (this.client.socket) return 'connecting';
    // After a close the library schedules a new attempt exactly when it will reconnect, except for 1000.
    if (this.#lastCloseCode !== undefined && this.#lastCloseCode !== 1000 && this.#willReconnect()) {
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

  /** Events recorded so far (all names when `event` is null), once at least `count` are there or after `waitMs`. */
  async eventsWhen(event, count, waitMs, abortSignal) {
    const matching = () => this.events.filter((entry) => event === null || entry.event === event);
    await this.#waitFor(() => matching().length >= count, waitMs, abortSignal);
    return matching();
  }

  /** State and lifecycle log, once it holds at least `count` entries of `type` (any when null) or after `waitMs`. */
  async lifecycleWhen(type, count, waitMs, abortSignal) {
    const enough = () => this.lifecycle.filter((entry) => type === null || entry.type === type).length >= count;
    await this.#waitFor(enough, waitMs, abortSignal);
    return { state: this.state, log: this.lifecycle };
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
        resolve();
      };
      const timer = setTimeout(done, boundMs);
      // The library's `close` event comes after its own bookkeeping, so the lifecycle log is complete then.
      if (wasOpen) this.client.on('close', done);
      else socket.addEventListener('close', done, { once: true });
      this.client.close(code, reason);
    });
  }

  /** Stops the client for good: no further reconnect attempts, socket closed. */
  discard() {
    this.client.reconnect = false; // what setAutoReconnect(false) does in 10.x; 7.x has only the field
    clearTimeout(this.client.reconnect_timer_id); // an attempt may already be scheduled
    if (this.client.socket) this.client.close();
  }

  /** 10.x asks `willReconnect()`; 7.x applies the same rule to the same fields in its close handler. */
  #willReconnect() {
    const c = this.client;
    if (typeof c.willReconnect === 'function') return c.willReconnect();
    return c.reconnect && (c.max_reconnects === 0 || c.current_reconnects < c.max_reconnects);
  }

  /** Resolves once `isDone()` holds or `waitMs` passed, re-checking on every new record. */
  #waitFor(isDone, waitMs, abortSignal) {
    if (isDone() || !(waitMs > 0)) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
        abortSignal?.removeEventListener('abort', finish);
        resolve();
      };
      const check = () => { if (isDone()) finish(); };
      const timer = setTimeout(finish, waitMs);
      this.#waiters.add(check);
      abortSignal?.addEventListener('abort', finish);
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

/** Turns whatever the Client rejected with into the control API's error object. */
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
export async function outcome(operation) {
  try {
    const result = await operation();
    return { result: result === undefined ? null : result };
  } catch (reason) {
    return { error: describeRejection(reason) };
  }
}

// ---- small checks ----

export function isPlainObject(value) {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Error);
}

export function isNonNegativeNumber(value) {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/** Sockets report errors as ErrorEvents or Errors; both carry a message (a browser's Event has none). */
function errorText(error) {
  return String(error?.message ?? error?.type ?? error);
}
