@also-compressed
Feature: Events
  A client subscribes to events the server declared; the server sends each event to its subscribers only,
  in the subscriber's namespace.
  The words used here are explained in features/scenarios/README.md.

  Background:
    Given a client connected to the server

  Scenario: A subscriber receives an event
    When the client subscribes to "newsUpdate"
    Then the subscription is confirmed
    When the server emits "newsUpdate" with ["fox"]
    Then the client receives "newsUpdate" with ["fox"]

  Scenario Outline: Events carry <kind>
    Given the client has subscribed to "newsUpdate"
    When the server emits "newsUpdate" with <arguments>
    Then the client receives "newsUpdate" with <received>

    Examples:
      | kind                   | arguments                      | received                       |
      | no arguments           | []                             | []                             |
      | one argument           | ["fox"]                        | ["fox"]                        |
      | three arguments        | ["fox", "mtv", "eurosport"]    | ["fox", "mtv", "eurosport"]    |
      | one object             | [{"foo": "bar", "boo": "baz"}] | [{"foo": "bar", "boo": "baz"}] |
      | one array, spread out  | [[1, 2]]                       | [1, 2]                         |

  Scenario: After unsubscribing, no more events arrive
    Given the client has subscribed to "newsUpdate"
    When the client unsubscribes from "newsUpdate"
    And the server emits "newsUpdate" with ["late"]
    Then the client receives no "newsUpdate" event

  Scenario: Subscribing to an unknown event is refused
    When the client subscribes to "noSuchEvent"
    Then the subscription is refused with the status "provided event invalid"

  Scenario: Only subscribers receive an event
    Given Alice is connected to the server
    And Bob is connected to the server
    And Alice has subscribed to "newMail"
    When the server emits "newMail" with [{"from": "carol"}]
    Then Alice receives "newMail" with [{"from": "carol"}]
    And Bob receives no "newMail" event

  Scenario: Namespaces keep their events apart
    Given Alice is connected to the "/chat" namespace
    And Bob is connected to the server
    And Alice has subscribed to "newMessage"
    And Bob has subscribed to "newMessage"
    When the server emits "newMessage" in the "/chat" namespace with ["chat only"]
    Then Alice receives "newMessage" with ["chat only"]
    And Bob receives no "newMessage" event
    When the server emits "newMessage" with ["everyone"]
    Then Alice receives "newMessage" with ["everyone"]
    And Bob receives "newMessage" with ["everyone"]

  Scenario: An event of another namespace cannot be subscribed to
    Given Alice is connected to the "/chat" namespace
    When Alice subscribes to "newsUpdate"
    Then the subscription is refused with the status "provided event invalid"
