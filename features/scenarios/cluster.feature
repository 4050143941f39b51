@cluster
Feature: A cluster of nodes behind a load balancer
  Three rpcws servers (the nodes) pass every event to one another through Redis, and the clients connect to
  HAProxy, which gives each new connection to the node with the fewest. An event emitted on any node reaches
  every subscriber on every node, once. When a node dies or is told to stop, its clients come back through the
  load balancer on another node: the Java and Python clients log in and subscribe again by themselves; the npm
  Client reconnects without its login and subscriptions, as it does after any reconnect. Which node each
  connection landed on, and which node emits, is written in each scenario's report.
  The words used here are explained in features/scenarios/README.md.

  Scenario: An event emitted on one node reaches the subscribers on every node, once each
    Given three clients, one on each node, each subscribed to "newsUpdate"
    When one of the nodes emits "newsUpdate" with ["everywhere"]
    Then each of the three receives "newsUpdate" with ["everywhere"] exactly once

  Scenario: Events emitted on one node reach a subscriber on another node in the order they were emitted
    Given a client connected to the server
    And the client has subscribed to "newsUpdate"
    When the server emits "newsUpdate" 20 times, numbered 1 to 20
    Then the client receives "newsUpdate" 20 times, numbered 1 to 20, in that order

  @restores-state @signals-servers
  Scenario: A client whose node is killed fails its pending call at once and comes back on another node, logged in and subscribed again
    Given a client connected to the server
    And the client has logged in
    And the client has subscribed to "secretNews"
    When the client starts calling "hang" with [20000]
    And the client's node is killed
    Then the pending call fails with a connection error within 2000 ms
    And the client receives the next "secretNews" emitted on another node within 20 s of the kill
    And the client is back through the load balancer, on another node
    And the client can call "cryptic" and get "boohoo"

  @npm-client @signals-servers
  Scenario: The npm Client whose node is killed reconnects on another node, without its login and subscriptions
    Given a client connected to the server
    And the client has logged in
    And the client has subscribed to "newsUpdate"
    When the client's node is killed
    Then the client is back through the load balancer, on another node
    When the server emits "newsUpdate" with ["after the failover"]
    Then the client receives no "newsUpdate" event
    And the client's call of "cryptic" fails with error -32605 "Method forbidden"

  @signals-servers
  Scenario: A node told to stop drains: its clients get 1001 and come back elsewhere, and no new connection lands on it
    Given a client connected to the server
    And 4 more connections straight to the client's node
    When the client's node is told to stop
    Then 6 new connections through the load balancer all land on the other nodes
    And the client's connection is closed with code 1001
    And the load balancer takes the draining node out
    And the client is back through the load balancer, on another node

  @signals-servers
  Scenario: While Redis is down events stay on their node and are counted as lost; once it is back they cross again
    Given a client connected to the server
    And the client has subscribed to "newsUpdate"
    When Redis stops, and every node has noticed
    And the server emits "newsUpdate" with ["while Redis is down"]
    Then the emitting node counts that emit as lost
    When Redis starts again, and every node has reconnected to it
    And the server emits "newsUpdate" with ["after Redis came back"]
    Then the client receives "newsUpdate" with ["after Redis came back"]

  @per-server
  Scenario: A node that serves other methods or events than the others is reported, and stays in service
    When a fourth node joins the cluster, serving one event more than the others
    Then every node reports in its health that another node serves other registrations
    And every node still answers its health check with 200
    When the fourth node leaves the cluster
    Then no node reports other registrations any more
