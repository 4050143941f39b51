Feature: Notifications from the client
  A notification is a call that wants no answer. The server runs it and answers nothing; only requests it
  refuses outright get an error, with a null id, which clients ignore.
  The words used here are explained in features/scenarios/README.md.

  Background:
    Given a client connected to the server

  Scenario: A notification is sent without waiting for an answer
    When the client notifies "sum" with [1, 2]
    Then the notification was sent
    And the client can still call "sum" with [2, 3] and get 5

  Scenario: A notification to an unknown method does not disturb the client
    When the client notifies "nope"
    Then the notification was sent
    And the client can still call "sum" with [2, 3] and get 5
