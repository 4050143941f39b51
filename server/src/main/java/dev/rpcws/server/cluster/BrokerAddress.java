package dev.rpcws.server.cluster;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Objects;

/**
 * Where the nodes' Redis is: {@code redis://HOST[:PORT][/DB]} (port 6379 and database 0 by default). Redis
 * pub/sub ignores the database number, so the broker names its channels after it: nodes given different
 * numbers on one Redis form separate clusters.
 *
 * @param host     Redis's host name or address
 * @param port     its port, 1 to 65535
 * @param database the database number, 0 or more (names the cluster's channels)
 */
public record BrokerAddress(String host, int port, int database) {
    /** Redis's usual port, when the URI names none. */
    public static final int DEFAULT_PORT = 6379;

    /**
     * Checks every value.
     *
     * @param host     Redis's host name or address, not empty
     * @param port     its port, 1 to 65535
     * @param database the database number, 0 or more
     */
    public BrokerAddress {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) throw new IllegalArgumentException("broker host is empty");
        if (port < 1 || port > 65535) throw new IllegalArgumentException("broker port must be 1 to 65535, got " + port);
        if (database < 0) throw new IllegalArgumentException("broker database must be 0 or more, got " + database);
    }

    /**
     * Parses {@code redis://HOST[:PORT][/DB]}; anything else (another scheme, a password, a query) is refused.
     *
     * @param uri the URI
     * @return the address
     * @throws IllegalArgumentException saying what form is expected
     */
    public static BrokerAddress parse(String uri) {
        URI u;
        try {
            u = new URI(Objects.requireNonNull(uri, "broker URI"));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("broker URI must be redis://HOST[:PORT][/DB], got " + uri);
        }
        if (!"redis".equals(u.getScheme()) || u.getHost() == null || u.getUserInfo() != null || u.getQuery() != null
                || u.getFragment() != null) {
            throw new IllegalArgumentException("broker URI must be redis://HOST[:PORT][/DB], got " + uri);
        }
        String path = u.getPath() == null ? "" : u.getPath();
        int database = 0;
        if (!path.isEmpty() && !path.equals("/")) {
            if (!path.substring(1).matches("[0-9]{1,5}")) {
                throw new IllegalArgumentException("broker URI database must be a number (redis://HOST:PORT/DB), got " + uri);
            }
            database = Integer.parseInt(path.substring(1));
        }
        return new BrokerAddress(u.getHost(), u.getPort() < 0 ? DEFAULT_PORT : u.getPort(), database);
    }

    @Override public String toString() {
        return "redis://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database;
    }
}
