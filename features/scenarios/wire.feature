@per-server @also-compressed
Feature: The wire, frame by frame
  Requests no client library would send, written as raw WebSocket frames: the server must answer exactly as
  the reference, rpc-websockets 10.0.1, does. The connection offers compression, as browsers do: against the
  server with compression on, every frame both ways is compressed.
  The words used here are explained in features/scenarios/README.md.

  Background:
    Given a raw WebSocket connection to the server

  Scenario: A batch gets one answer, in request order, without the notifications
    When it sends
      """
      [{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":"b1"},{"jsonrpc":"2.0","method":"sum","params":[3,4]},{"jsonrpc":"2.0","method":"nope","id":"b3"},{"jsonrpc":"2.0","method":"greet","id":"b4"}]
      """
    Then it receives
      """
      [{"jsonrpc":"2.0","result":3,"id":"b1"},{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"b3"},{"jsonrpc":"2.0","result":"Hello, subscriber!","id":"b4"}]
      """

  Scenario: An empty batch is refused
    When it sends "[]"
    Then it receives
      """
      {"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"Invalid array"},"id":null}
      """

  Scenario: Invalid JSON gets a parse error
    When it sends "{\"jsonrpc\": \"2.0\", \"foo}"
    Then it receives a parse error

  Scenario: A call with the id 0 counts as a notification and gets no answer
    When it sends
      """
      {"jsonrpc":"2.0","method":"sum","params":[1,1],"id":0}
      """
    Then it receives nothing more

  Scenario: Refused notifications are still answered, with a null id
    When it sends
      """
      {"jsonrpc":"2.0","method":"nope"}
      """
    Then it receives
      """
      {"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":null}
      """

  Scenario: A wrong protocol version is refused
    When it sends
      """
      {"jsonrpc":"1.0","method":"sum","params":[1,2],"id":21}
      """
    Then it receives
      """
      {"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request","data":"Invalid JSON RPC version"},"id":21}
      """

  Scenario: Subscribing twice is answered with a status saying so, and rpc.on answers even without an id
    When it sends
      """
      {"jsonrpc":"2.0","method":"rpc.on","params":["newsUpdate","nope"],"id":3}
      """
    Then it receives
      """
      {"jsonrpc":"2.0","result":{"newsUpdate":"ok","nope":"provided event invalid"},"id":3}
      """
    When it sends
      """
      {"jsonrpc":"2.0","method":"rpc.on","params":["newsUpdate"]}
      """
    Then it receives
      """
      {"jsonrpc":"2.0","result":{"newsUpdate":"socket has already been subscribed to event"},"id":null}
      """

  Scenario: A message sent in several frames is answered as a whole
    When it sends in 3 fragments
      """
      {"jsonrpc":"2.0","method":"echo","params":["sent in three frames: héllo ✓"],"id":50}
      """
    Then it receives
      """
      {"jsonrpc":"2.0","result":["sent in three frames: héllo ✓"],"id":50}
      """

  Scenario: A binary request gets a text answer
    When it sends as binary
      """
      {"jsonrpc":"2.0","method":"sum","params":[2,2],"id":40}
      """
    Then it receives as text
      """
      {"jsonrpc":"2.0","result":4,"id":40}
      """
