@one-server
Feature: Reconnecting after a server restart
  When the server goes away, the Java and Python clients fail pending calls at once, reconnect, log in
  again and re-subscribe before telling the application. The npm Client reconnects too, but keeps
  nothing: that is its canonical behaviour, stated here as such.
  The words used here are explained in features/scenarios/README.md.

  @restores-state
  Scenario: The client restores its login and subscriptions after a restart
    Given a client connected to a fresh server
    And the client has logged in
    And the client has subscribed to "newsUpdate"
    When the server restarts
    Then the client reconnects
    When the server emits "newsUpdate" with ["after the restart"]
    Then the client receives "newsUpdate" with ["after the restart"]
    And the client can call "cryptic" and get "boohoo"

  @restores-state
  Scenario: A call pending when the server dies fails at once
    Given a client connected to a fresh server
    When the client starts calling "hang" with [20000]
    And the server dies
    Then the pending call fails with a connection error within 2000 ms

  @npm-client
  Scenario: The npm Client reconnects but loses its login and subscriptions
    Given a client connected to a fresh server
    And the client has logged in
    And the client has subscribed to "newsUpdate"
    When the server restarts
    Then the client reconnects
    When the server emits "newsUpdate" with ["after the restart"]
    Then the client receives no "newsUpdate" event
    And the client's call of "cryptic" fails with error -32605 "Method forbidden"
