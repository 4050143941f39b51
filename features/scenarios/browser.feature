@also-compressed
Feature: What a browser needs from the server
  The rpc-websockets client in a web page drops every binary frame it receives: the browser hands binary data
  to the page in a form the client cannot read. A server that answered in binary would leave every call in a
  web page unanswered, so the server must send answers and events as text only.
  The words used here are explained in features/scenarios/README.md.

  @drops-binary-frames
  Scenario: Answers, errors, large results and events all reach the client as text
    Given a client connected to the server
    And the client has subscribed to "newsUpdate"
    When the client calls "sum" with [1, 2]
    Then the result is 3
    When the client calls "power" with [2]
    Then the call fails with error -32601 "Method not found" and no data
    When the client echoes a payload of 1 MiB
    Then the same payload comes back
    When the server emits "newsUpdate" with ["fox"]
    Then the client receives "newsUpdate" with ["fox"]
    And every frame the client received was text
