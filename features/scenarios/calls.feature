@also-compressed
Feature: Calls
  A client calls a method on the server and gets back its result, or the server's error exactly as the
  server sent it.
  The words used here are explained in features/scenarios/README.md.

  Background:
    Given a client connected to the server

  Scenario: A call with positional parameters
    When the client calls "sum" with [5, 3]
    Then the result is 8

  Scenario: A call with named parameters
    When the client calls "subtract" with {"minuend": 42, "subtrahend": 23}
    Then the result is 19

  Scenario: A call without parameters
    When the client calls "greet"
    Then the result is "Hello, subscriber!"

  Scenario Outline: Results of every JSON type come back unchanged: <kind>
    When the client calls "echo" with <value>
    Then the result is <value>

    Examples:
      | kind            | value                                            |
      | numbers         | [1, 2.5, -3, 1e21]                               |
      | strings         | ["text", ""]                                     |
      | booleans, null  | [true, false, null]                              |
      | nested objects  | {"outer": {"list": [1, {"deep": "yes"}]}}        |
      | empty array     | []                                               |
      | empty object    | {}                                               |

  @sends-null-params
  Scenario: A client that sends missing parameters as null gets null back from echo
    When the client calls "echo"
    Then the result is null

  Scenario: A method that answers true
    When the client calls "notification"
    Then the result is true

  @deviation-D1
  Scenario: A method that returns nothing answers null
    When the client calls "update"
    Then the result is null

  Scenario: Calling an unknown method
    When the client calls "power" with [2]
    Then the call fails with error -32601 "Method not found" and no data

  Scenario: A server error with its own code and data
    When the client calls "throwsSrvError"
    Then the call fails with error -32050 "Server error" and data "Server error details"

  Scenario: A server error whose data is null
    When the client calls "throwsNoData"
    Then the call fails with error -32051 "No data" and data null

  @reference-D9
  Scenario: An exception in a method carries its message on the reference server
    When the client calls "throwsJsError"
    Then the call fails with error -32000 "Error" and data "Server error details"

  @deviation-D9
  Scenario: An exception in a method answers a fixed error, its message stays on the server
    When the client calls "throwsJsError"
    Then the call fails with error -32000 "Error" and data "Internal error"

  Scenario: A slow method times out and the client carries on
    When the client calls "hang" with [3000] and a timeout of 200 ms
    Then the call times out
    When the client calls "sum" with [1, 2]
    Then the result is 3

  Scenario: Unicode text round-trips
    When the client calls "echo" with ["héllo wörld ✓ 日本語 🎉 \u0000\u001f"]
    Then the result is ["héllo wörld ✓ 日本語 🎉 \u0000\u001f"]

  Scenario: A 1 MiB payload round-trips
    When the client echoes a payload of 1 MiB
    Then the same payload comes back
