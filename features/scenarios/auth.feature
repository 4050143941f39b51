Feature: Login, protected methods and protected events
  A client logs in with a user name and password; protected methods and events are refused until it has.
  A login belongs to one connection only.
  The words used here are explained in features/scenarios/README.md.

  Background:
    Given a client connected to the server

  Scenario: Logging in with the right credentials
    When the client logs in as "foo" with password "bar"
    Then the login succeeds

  Scenario: Logging in with wrong credentials is refused
    When the client logs in as "foo" with password "nope"
    Then the login is refused

  Scenario: A protected method needs a login
    When the client calls "cryptic"
    Then the call fails with error -32605 "Method forbidden" and no data
    When the client logs in as "foo" with password "bar"
    And the client calls "cryptic"
    Then the result is "boohoo"

  Scenario: A protected event needs a login
    When the client subscribes to "secretNews"
    Then the subscription is refused with error -32606 "Event forbidden" and no data
    When the client logs in as "foo" with password "bar"
    And the client subscribes to "secretNews"
    Then the subscription is confirmed
    When the server emits "secretNews" with ["classified"]
    Then the client receives "secretNews" with ["classified"]

  Scenario: Login is per connection
    Given Alice is connected to the server
    And Bob is connected to the server
    When Alice logs in as "foo" with password "bar"
    Then Alice can call "cryptic" and get "boohoo"
    And Bob's call of "cryptic" fails with error -32605 "Method forbidden"

  @last-login-of-the-server
  Scenario: An error that is a bare text, not an error object, reaches the client as it was sent
    Given Alice is connected to the server
    And Bob is connected to the server
    When Alice logs in as "foo" with password "bar"
    And Bob logs in as "foo" with password "bar"
    And Alice calls "sqrt_protected" with [16]
    Then the call fails with the bare error "Socket ID does not match!"
    And Bob can call "sqrt_protected" with [16] and get 4
