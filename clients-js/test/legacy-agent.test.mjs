// The Node agent with --library legacy: the npm Client 7.7.0, as old @solana/web3.js installs run it.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, before, describe, test } from 'node:test';
import { requestJson, startProcess, startRawServer, stopProcess } from './helpers.mjs';

let legacy;
let current;

const post = async (agent, path, body) => {
  const reply = await requestJson('POST', `http://127.0.0.1:${agent.ports.control}${path}`, body);
  assert.equal(reply.status, 200, JSON.stringify(reply.body));
  return reply.body;
};

/** The frame a call of `method` without params puts on the wire, answered with `result`. */
async function callFrame(agent, method) {
  const raw = await startRawServer();
  try {
    const connection = raw.nextConnection();
    const { result: { client } } = await post(agent, '/clients', { url: raw.url, options: { reconnect: false } });
    const socket = await connection;
    const received = once(socket, 'message');
    const reply = post(agent, `/clients/${client}/call`, { method });
    const [data] = await received;
    const frame = JSON.parse(data.toString('utf8'));
    socket.send(JSON.stringify({ jsonrpc: '2.0', result: 'ok', id: frame.id }));
    assert.deepEqual(await reply, { result: 'ok' });
    await requestJson('DELETE', `http://127.0.0.1:${agent.ports.control}/clients/${client}`);
    return data.toString('utf8');
  } finally {
    await raw.kill();
  }
}

before(async () => {
  [legacy, current] = await Promise.all([
    startProcess('agent.mjs', ['--port', '0', '--library', 'legacy']),
    startProcess('agent.mjs', ['--port', '0']),
  ]);
});

after(async () => {
  assert.equal(await stopProcess(legacy.child), 0);
  assert.equal(await stopProcess(current.child), 0);
});

describe('--library legacy', () => {
  test('health names the 7.7.0 Client', async () => {
    const reply = await requestJson('GET', `http://127.0.0.1:${legacy.ports.control}/health`);
    assert.deepEqual(reply.body, { status: 'ok', language: 'node', library: 'rpc-websockets 7.7.0', runtime: `Node ${process.version}` });
  });

  test('a call without params sends "params":null; 10.0.1 leaves params out', async () => {
    assert.equal(await callFrame(legacy, 'greet'), '{"jsonrpc":"2.0","method":"greet","params":null,"id":1}');
    assert.equal(await callFrame(current, 'greet'), '{"jsonrpc":"2.0","method":"greet","id":1}');
  });

  test('an unknown library is refused', async () => {
    await assert.rejects(startProcess('agent.mjs', ['--port', '0', '--library', 'nope']), /exited with code 2/);
  });
});
