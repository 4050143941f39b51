// The Node reference server, checked frame by frame with a raw ws client (protocol reference section 4,
// adapted to the compat fixture) and through its admin HTTP API.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually, RawPeer, requestJson, startProcess, stopProcess } from './helpers.mjs';

const LISTED_METHODS = '["__listMethods","sum","subtract","sqrt","greet","echo","notification","update","whoami",'
  + '"hang","cryptic","sqrt_protected","throwsSrvError","throwsJsError","throwsNoData","rpc.login"]';

let server;
let wsUrl;
let adminUrl;
const peers = [];

/** Connects a raw peer to `path` on the reference server; closed after all tests. */
async function connect(path = '/') {
  const peer = await RawPeer.connect(`${wsUrl}${path}`);
  peers.push(peer);
  return peer;
}

const emit = (event, args, namespace) =>
  requestJson('POST', `${adminUrl}/admin/emit${namespace ? `?namespace=${encodeURIComponent(namespace)}` : ''}`,
    args === undefined ? { event } : { event, args });

before(async () => {
  server = await startProcess('reference-server.mjs', ['--port', '0', '--admin-port', '0']);
  wsUrl = `ws://127.0.0.1:${server.ports.ws}`;
  adminUrl = `http://127.0.0.1:${server.ports.admin}`;
});

after(async () => {
  await Promise.all(peers.map((peer) => peer.close()));
  assert.equal(await stopProcess(server.child), 0, 'exits cleanly on SIGTERM');
});

test('prints exactly the start-up line', () => {
  assert.match(server.line, /^listening ws=\d+ admin=\d+$/);
  assert.notEqual(server.ports.ws, server.ports.admin);
});

describe('calls on namespace /', () => {
  test('positional and named params', async () => {
    const peer = await connect();
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"sum","params":[5,3],"id":1}'),
      '{"jsonrpc":"2.0","result":8,"id":1}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"subtract","params":{"minuend":42,"subtrahend":23},"id":"abc"}'),
      '{"jsonrpc":"2.0","result":19,"id":"abc"}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":3}'),
      '{"jsonrpc":"2.0","result":19,"id":3}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"sqrt","params":[16],"id":4}'),
      '{"jsonrpc":"2.0","result":4,"id":4}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"sqrt","params":9,"id":5}'),
      '{"jsonrpc":"2.0","result":3,"id":5}');
  });

  test('greet, echo, notification, update', async () => {
    const peer = await connect();
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"greet","id":1}'),
      '{"jsonrpc":"2.0","result":"Hello, subscriber!","id":1}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"greet","params":["Ada"],"id":2}'),
      '{"jsonrpc":"2.0","result":"Hello, Ada!","id":2}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"greet","params":{},"id":3}'),
      '{"jsonrpc":"2.0","result":"Hello, subscriber!","id":3}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"echo","params":{"a":[1,2.5,null]},"id":4}'),
      '{"jsonrpc":"2.0","result":{"a":[1,2.5,null]},"id":4}');
    // No params and a void handler both give a reply without `result` (deviation D1).
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"echo","id":5}'), '{"jsonrpc":"2.0","id":5}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"notification","id":6}'),
      '{"jsonrpc":"2.0","result":true,"id":6}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"update","params":[1],"id":7}'),
      '{"jsonrpc":"2.0","id":7}');
  });

  test('__listMethods in registration order', async () => {
    const peer = await connect();
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"__listMethods","id":38}'),
      `{"jsonrpc":"2.0","result":${LISTED_METHODS},"id":38}`);
  });

  test('unknown method, invalid requests, notifications', async () => {
    const peer = await connect();
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"power","params":[4],"id":16}'),
      '{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":16}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","params":[4],"id":17}'),
      '{"jsonrpc":"2.0","error":{"code":-32602,"message":"Invalid params","data":"Method not specified"},"id":17}');
    assert.equal(await peer.exchange('{"method":"sum","params":[1,2],"id":20}'),
      '{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"Invalid JSON RPC version"},"id":20}');
    assert.equal(await peer.exchange('[]'),
      '{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"Invalid array"},"id":null}');
    // A notification to a known method gets no reply; to an unknown one an error with id null.
    peer.send('{"jsonrpc":"2.0","method":"sum","params":[1,1]}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"nope"}'),
      '{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":null}');
  });

  test('handler errors', async () => {
    const peer = await connect();
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"throwsJsError","id":32}'),
      '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Error","data":"Server error details"},"id":32}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"throwsSrvError","id":34}'),
      '{"jsonrpc":"2.0","error":{"code":-32050,"message":"Server error","data":"Server error details"},"id":34}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"throwsNoData","id":35}'),
      '{"jsonrpc":"2.0","error":{"code":-32051,"message":"No data","data":null},"id":35}');
  });

  test('whoami returns the socket id given in the URL', async () => {
    const peer = await connect('/?socket_id=raw-whoami');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"whoami","id":39}'),
      '{"jsonrpc":"2.0","result":"raw-whoami","id":39}');
  });

  test('hang answers later without blocking other calls', async () => {
    const peer = await connect();
    peer.send('{"jsonrpc":"2.0","method":"hang","params":[300],"id":1}');
    peer.send('{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":2}');
    assert.equal(await peer.next(), '{"jsonrpc":"2.0","result":3,"id":2}');
    assert.equal(await peer.next(), '{"jsonrpc":"2.0","result":"done","id":1}');
  });
});

describe('subscriptions and events', () => {
  test('rpc.on and rpc.off statuses', async () => {
    const peer = await connect();
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.on","id":1}'),
      '{"jsonrpc":"2.0","error":{"code":-32000,"message":"Event not provided"},"id":1}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":[],"id":2}'),
      '{"jsonrpc":"2.0","result":{},"id":2}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["newsUpdate","nope"],"id":3}'),
      '{"jsonrpc":"2.0","result":{"newsUpdate":"ok","nope":"provided event invalid"},"id":3}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["newsUpdate"],"id":4}'),
      '{"jsonrpc":"2.0","result":{"newsUpdate":"socket has already been subscribed to event"},"id":4}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["chatMessage"],"id":5}'),
      '{"jsonrpc":"2.0","result":{"chatMessage":"provided event invalid"},"id":5}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["secretNews"],"id":6}'),
      '{"jsonrpc":"2.0","error":{"code":-32606,"message":"Event forbidden"},"id":6}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.off","params":["newsUpdate","newsUpdate","nope"],"id":16}'),
      '{"jsonrpc":"2.0","result":{"newsUpdate":"not subscribed","nope":"provided event invalid"},"id":16}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["newsUpdate"]}'),
      '{"jsonrpc":"2.0","result":{"newsUpdate":"ok"},"id":null}');
  });

  test('global emit through the admin API flattens one object or array argument', async () => {
    const peer = await connect();
    await peer.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["newMail"],"id":1}');
    const cases = [
      [undefined, '[]'],
      [['fox'], '["fox"]'],
      [['fox', 'mtv', 'eurosport'], '["fox","mtv","eurosport"]'],
      [[{ foo: 'bar', boo: 'baz' }], '{"foo":"bar","boo":"baz"}'],
      [[[1, 2]], '[1,2]'],
      [[null], '[null]'],
      [[42], '[42]'],
    ];
    for (const [args, params] of cases) {
      assert.deepEqual(await emit('newMail', args), { status: 200, body: { ok: true }, contentType: 'application/json' });
      assert.equal(await peer.next(), `{"notification":"newMail","params":${params}}`);
    }
  });

  test('namespace emit never flattens', async () => {
    const peer = await connect();
    await peer.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["updatedNews"],"id":1}');
    assert.equal((await emit('updatedNews', [{ foo: 'bar' }], '/')).status, 200);
    assert.equal(await peer.next(), '{"notification":"updatedNews","params":[{"foo":"bar"}]}');
    assert.equal((await emit('updatedNews', undefined, '/')).status, 200);
    assert.equal(await peer.next(), '{"notification":"updatedNews","params":[]}');
  });

  test('events reach subscribers only, scoped by namespace', async () => {
    const root = await connect();
    const chat = await connect('/chat');
    const unsubscribed = await connect('/chat');
    assert.equal(await root.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["newMessage"],"id":1}'),
      '{"jsonrpc":"2.0","result":{"newMessage":"ok"},"id":1}');
    assert.equal(await chat.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["newMessage","chatMessage","newsUpdate"],"id":1}'),
      '{"jsonrpc":"2.0","result":{"newMessage":"ok","chatMessage":"ok","newsUpdate":"provided event invalid"},"id":1}');

    // Global emit: every namespace that declared the event.
    await emit('newMessage', ['hi']);
    assert.equal(await root.next(), '{"notification":"newMessage","params":["hi"]}');
    assert.equal(await chat.next(), '{"notification":"newMessage","params":["hi"]}');

    // Namespace emit: that namespace only.
    await emit('newMessage', ['only chat'], '/chat');
    assert.equal(await chat.next(), '{"notification":"newMessage","params":["only chat"]}');
    await emit('chatMessage', [{ text: 'yo' }], '/chat');
    assert.equal(await chat.next(), '{"notification":"chatMessage","params":[{"text":"yo"}]}');
    await root.expectSilence(150);
    await unsubscribed.expectSilence(0);
  });
});

describe('namespaces', () => {
  test('/chat has its own methods', async () => {
    const peer = await connect('/chat');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"chatOnly","id":1}'),
      '{"jsonrpc":"2.0","result":"in chat","id":1}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":2}'),
      '{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":2}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"__listMethods","id":3}'),
      '{"jsonrpc":"2.0","result":["__listMethods","chatOnly"],"id":3}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.login","params":{"username":"foo","password":"bar"},"id":4}'),
      '{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":4}');
  });

  test('/chatroom, /test and an unregistered path', async () => {
    const chatroom = await connect('/chatroom');
    assert.equal(await chatroom.exchange('{"jsonrpc":"2.0","method":"sendMsg","params":["hi"],"id":1}'),
      '{"jsonrpc":"2.0","result":"Message received","id":1}');
    assert.equal(await chatroom.exchange('{"jsonrpc":"2.0","method":"__listMethods","id":2}'),
      '{"jsonrpc":"2.0","result":["__listMethods","sendMsg"],"id":2}');

    const testNs = await connect('/test');
    assert.equal(await testNs.exchange('{"jsonrpc":"2.0","method":"__listMethods","id":1}'),
      '{"jsonrpc":"2.0","result":["__listMethods"],"id":1}');
    assert.equal(await testNs.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["test","newsUpdate"],"id":2}'),
      '{"jsonrpc":"2.0","result":{"test":"ok","newsUpdate":"provided event invalid"},"id":2}');
    await emit('test', [1, 2]);
    assert.equal(await testNs.next(), '{"notification":"test","params":[1,2]}');

    const unknown = await connect('/unknown/ns');
    assert.equal(await unknown.exchange('{"jsonrpc":"2.0","method":"__listMethods","id":1}'),
      '{"jsonrpc":"2.0","result":["__listMethods"],"id":1}');
  });
});

describe('authentication', () => {
  test('login, protected method and protected event', async () => {
    const peer = await connect('/?socket_id=login-first');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"cryptic","id":20}'),
      '{"jsonrpc":"2.0","error":{"code":-32605,"message":"Method forbidden"},"id":20}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.login","id":21}'),
      '{"jsonrpc":"2.0","error":{"code":-32604,"message":"Params not found"},"id":21}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.login","params":{"username":"foo","password":"nope"},"id":22}'),
      '{"jsonrpc":"2.0","result":false,"id":22}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.login","params":{"username":"foo","password":"bar"},"id":24}'),
      '{"jsonrpc":"2.0","result":true,"id":24}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"cryptic","id":25}'),
      '{"jsonrpc":"2.0","result":"boohoo","id":25}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"sqrt_protected","params":[16],"id":26}'),
      '{"jsonrpc":"2.0","result":4,"id":26}');
    assert.equal(await peer.exchange('{"jsonrpc":"2.0","method":"rpc.on","params":["secretNews"],"id":27}'),
      '{"jsonrpc":"2.0","result":{"secretNews":"ok"},"id":27}');
    await emit('secretNews', ['classified']);
    assert.equal(await peer.next(), '{"notification":"secretNews","params":["classified"]}');
  });

  test('sqrt_protected fails with a bare string for any but the last login', async () => {
    const first = await connect('/?socket_id=sqrt-first');
    const second = await connect('/?socket_id=sqrt-second');
    const login = '{"jsonrpc":"2.0","method":"rpc.login","params":{"username":"foo","password":"bar"},"id":1}';
    assert.equal(await first.exchange(login), '{"jsonrpc":"2.0","result":true,"id":1}');
    assert.equal(await second.exchange(login), '{"jsonrpc":"2.0","result":true,"id":1}');
    assert.equal(await first.exchange('{"jsonrpc":"2.0","method":"sqrt_protected","params":[16],"id":2}'),
      '{"jsonrpc":"2.0","error":"Socket ID does not match!","id":2}');
    assert.equal(await second.exchange('{"jsonrpc":"2.0","method":"sqrt_protected","params":25,"id":2}'),
      '{"jsonrpc":"2.0","result":5,"id":2}');
  });
});

describe('admin API', () => {
  test('health', async () => {
    assert.deepEqual(await requestJson('GET', `${adminUrl}/health`),
      { status: 200, body: { status: 'ok', server: 'node', runtime: `Node ${process.version}` }, contentType: 'application/json' });
  });

  test('connections per namespace follow connects and disconnects', async () => {
    const connections = async (query = '') => (await requestJson('GET', `${adminUrl}/admin/connections${query}`)).body;
    const roomOne = await connect('/chatroom?socket_id=room-1');
    await connect('/chatroom?socket_id=room-2');
    const rootPeer = await connect('/?socket_id=root-listed');

    const inRoom = await connections('?namespace=/chatroom');
    assert.ok(inRoom.includes('room-1') && inRoom.includes('room-2'), JSON.stringify(inRoom));
    assert.ok(!inRoom.includes('root-listed'));
    assert.ok((await connections()).includes('root-listed'), 'default namespace is /');
    assert.deepEqual(await connections('?namespace=/nobody-here'), []);

    await roomOne.close();
    await rootPeer.close();
    await eventually(async () => !(await connections('?namespace=/chatroom')).includes('room-1'));
    assert.ok((await connections('?namespace=/chatroom')).includes('room-2'));
    await eventually(async () => !(await connections()).includes('root-listed'));
  });

  test('bad requests get 400, unknown paths 404, wrong methods 405', async () => {
    const post = (body) => requestJson('POST', `${adminUrl}/admin/emit`, body);
    for (const body of ['{not json', '{"args":[]}', '{"event":7}', '{"event":"newsUpdate","args":"fox"}']) {
      const reply = await post(body);
      assert.equal(reply.status, 400, body);
      assert.equal(typeof reply.body.error, 'string');
    }
    assert.equal((await requestJson('GET', `${adminUrl}/admin/nothing`)).status, 404);
    assert.equal((await requestJson('GET', `${adminUrl}/metrics`)).status, 404);
    assert.equal((await requestJson('GET', `${adminUrl}/admin/emit`)).status, 405);
  });
});
