package dev.rpcws.features;

/**
 * One Cucumber run of the matrix: the client scenarios with one client language against one server, or the
 * per-server scenarios ({@code client} = {@link #ANY}) that use raw frames or several languages at once.
 */
public record Run(String client, String server) {
    public static final String ANY = "any";

    public boolean perServer() {
        return ANY.equals(client);
    }

    public String label() {
        return (perServer() ? "per-server" : client + " client") + " x " + server + " server";
    }
}
