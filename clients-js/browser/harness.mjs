// The browser harness: hosts rpc-websockets browser-bundle Clients (global RPCWebSocket.Client, loaded by
// index.html exactly as a web page loads it) and offers the operations of the agent control API
// (docs/agent-control-api.md) as functions on window.harness. The suite's BrowserDriver calls them through
// Playwright. Values cross as JSON text both ways, so numbers and strings arrive exactly as sent.
import { HostedClient, RECONNECT_OPTIONS, mapOptions, outcome } from '../hosted-client.mjs';

const CONNECT_TIMEOUT_MS = 10_000;

// A browser WebSocket takes only subprotocols; headers and pings have no web API.
const BROWSER_OPTIONS = {
  ...RECONNECT_OPTIONS,
  subprotocols: ['protocols', (v) => Array.isArray(v) && v.every((p) => typeof p === 'string')],
};

const clients = new Map(); // id -> { hosted, frames }
let nextClientNumber = 1;

function entry(id) {
  const found = clients.get(id);
  if (!found) throw new Error(`unknown client ${id}`);
  return found;
}

const hosted = (id) => entry(id).hosted;
// Playwright hands a Java null over as undefined: the argument is absent.
const fromJson = (text) => (text === undefined || text === null ? undefined : JSON.parse(text));

/**
 * Counts the frames each socket of the client receives, by kind: a binary frame reaches a page as a Blob
 * (the Client never sets binaryType), which the Client cannot parse and drops.
 */
function countFrames(client, frames) {
  client.on('open', () => client.socket.addEventListener('message', ({ data }) => {
    if (typeof data === 'string') frames.text++;
    else frames.binary++;
  }));
}

window.harness = {
  async connect(url, optionsJson) {
    const { clientOptions, callTimeoutMs, ignored } = mapOptions(fromJson(optionsJson), BROWSER_OPTIONS);
    const client = new HostedClient(window.RPCWebSocket.Client, url, clientOptions, callTimeoutMs);
    const frames = { text: 0, binary: 0 };
    countFrames(client.client, frames);
    try {
      await client.waitUntilOpen(CONNECT_TIMEOUT_MS);
    } catch (error) {
      return JSON.stringify({ error: { kind: 'connection', message: error.message } });
    }
    const id = `b${nextClientNumber++}`;
    clients.set(id, { hosted: client, frames });
    return JSON.stringify({ result: ignored.length ? { client: id, ignored } : { client: id } });
  },

  async call(id, method, paramsJson, timeoutMs) {
    return JSON.stringify(await outcome(() => hosted(id).call(method, fromJson(paramsJson), timeoutMs ?? undefined)));
  },

  async notify(id, method, paramsJson) {
    return JSON.stringify(await outcome(() => hosted(id).client.notify(method, fromJson(paramsJson))));
  },

  async subscribe(id, event) {
    return JSON.stringify(await outcome(() => hosted(id).subscribe(event)));
  },

  async unsubscribe(id, event) {
    return JSON.stringify(await outcome(() => hosted(id).unsubscribe(event)));
  },

  async login(id, paramsJson) {
    return JSON.stringify(await outcome(() => hosted(id).client.login(fromJson(paramsJson))));
  },

  async events(id, event, count, waitMs) {
    return JSON.stringify({ result: await hosted(id).eventsWhen(event, count, waitMs) });
  },

  async lifecycle(id, type, count, waitMs) {
    return JSON.stringify({ result: await hosted(id).lifecycleWhen(type, count, waitMs) });
  },

  frames(id) {
    return JSON.stringify({ result: entry(id).frames });
  },

  /** Closes the client for good and forgets it (the agent's DELETE). */
  discard(id) {
    hosted(id).discard();
    clients.delete(id);
    return JSON.stringify({ result: null });
  },
};
