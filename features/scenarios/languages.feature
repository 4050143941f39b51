@per-server
Feature: Every kind of client on one server
  One client of every kind in this run (the Java SDK, the npm client 10.0.1 and 7.7.0, the Python client and
  the browser) connects to the same server: the same event reaches all of them alike, and a login stays on
  the connection that made it.
  The words used here are explained in features/scenarios/README.md.

  Scenario: Subscribers of every kind receive the same event
    Given one client of every kind, each subscribed to "newsUpdate"
    When the server emits "newsUpdate" with [{"headline": "interop", "n": 3}]
    Then each of them receives "newsUpdate" with [{"headline": "interop", "n": 3}]

  Scenario: A login stays on its own connection, whatever the kind of client
    Given one client of every kind
    When the first of them logs in as "foo" with password "bar"
    Then only that client can call "cryptic"; the others' calls fail with error -32605 "Method forbidden"
