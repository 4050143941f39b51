Feature: Heartbeats
  The Jetty server pings every connection (here every 250 ms, giving up after 500 ms of silence); every
  client answers, so idle connections stay up, and a client that stops reading is dropped. The Java and
  Python clients ping too, and notice a server that stopped answering.
  The words used here are explained in features/scenarios/README.md.

  @server-heartbeat
  Scenario: An idle client answers the server's pings and stays connected
    Given a client connected to the server
    When the server has pinged it 6 times
    Then the client is still connected

  @server-heartbeat @pauses-client
  Scenario: A client that stops reading is dropped within the heartbeat window
    Given a client connected to the server
    When the client stops reading its socket
    Then the server drops the client within 1500 ms

  @client-heartbeat @signals-servers
  Scenario: The client notices a frozen server and reconnects when it thaws
    Given a client that pings every 200 ms and gives up after 300 ms without a pong, connected to a fresh server
    When the server process freezes
    Then the client notices the dead connection within 1500 ms
    When the server process thaws
    Then the client reconnects
    And the client can still call "sum" with [2, 3] and get 5
