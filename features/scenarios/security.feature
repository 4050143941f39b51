@secure-server
Feature: Security: TLS, allowed origins, tokens and login limits
  The secure Jetty server of this run speaks wss:// with a certificate from a test CA made for the run, lets
  browsers in only from https://app.example, wants a bearer token at the handshake ("s3cret" names alice),
  and closes a connection after 5 failed logins.
  The words used here are explained in features/scenarios/README.md.

  Scenario: A client with a valid token talks over wss://
    Given a client connected over TLS with the token "s3cret"
    Then the client can call "sum" with [1, 2] and get 3
    When the client subscribes to "newsUpdate"
    Then the subscription is confirmed

  Scenario: A client without a token is refused with 401
    When a client connects over TLS without a token
    Then the connection is refused with HTTP status 401

  Scenario: A client with a wrong token is refused with 401
    When a client connects over TLS with the token "guess"
    Then the connection is refused with HTTP status 401

  Scenario: A page from a foreign origin is refused with 403
    When a client connects over TLS with the token "s3cret" from the origin "https://evil.example"
    Then the connection is refused with HTTP status 403

  Scenario: A page from the allowed origin gets in
    Given a client connected over TLS with the token "s3cret" from the origin "https://app.example"
    Then the client can call "sum" with [2, 3] and get 5

  Scenario: A token alone does not open protected methods; rpc.login does
    Given a client connected over TLS with the token "s3cret"
    When the client calls "cryptic"
    Then the call fails with error -32605 "Method forbidden" and no data
    When the client logs in as "foo" with password "bar"
    And the client calls "cryptic"
    Then the result is "boohoo"

  Scenario: Where the server counts a token as a login, protected methods open at once
    Given the server counts a valid token as a login
    And a client connected over TLS with the token "s3cret"
    When the client calls "cryptic"
    Then the result is "boohoo"

  Scenario: Repeated failed logins close the connection
    Given a client connected over TLS with the token "s3cret"
    When the client fails to log in 5 times
    Then the server closes the connection with code 1008
