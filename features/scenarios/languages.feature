@per-server
Feature: Clients in three languages on one server
  The same event reaches Java, Node and Python subscribers alike.

  Scenario: Subscribers in three languages receive the same event
    Given a Java client, a Node client and a Python client, each subscribed to "newsUpdate"
    When the server emits "newsUpdate" with [{"headline": "interop", "n": 3}]
    Then each of them receives "newsUpdate" with [{"headline": "interop", "n": 3}]

  Scenario: Each language logs in on its own connection only
    Given a Java client, a Node client and a Python client
    When the Python client logs in as "foo" with password "bar"
    Then only the Python client can call "cryptic"
