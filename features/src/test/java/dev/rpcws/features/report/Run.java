package dev.rpcws.features.report;

/**
 * One Cucumber run of the matrix: the client scenarios with one client against one server, or the per-server
 * scenarios ({@code client} = {@link #ANY}) that use raw frames or several clients at once.
 */
public record Run(String client, String server) {
    public static final String ANY = "any";

    public boolean perServer() {
        return ANY.equals(client);
    }

    /** For logs and test names: {@code python client x jetty server}. */
    public String label() {
        return (perServer() ? "per-server" : client + " client") + " x " + server + " server";
    }

    /** The name of this run's Cucumber report, {@code cucumber/<name>.html}: {@code python-x-jetty}. */
    public String reportName() {
        return (perServer() ? "per-server" : client) + "-x-" + server;
    }
}
