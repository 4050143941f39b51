package dev.rpcws.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A throw-away certificate authority and a server certificate for localhost and 127.0.0.1, made at test time
 * with the JDK's keytool (no private key is ever committed): a PKCS12 key store for the server, the CA as PEM
 * for Node and Python, and a PKCS12 trust store for Java.
 */
public record TestCertificates(Path serverKeyStore, Path trustStore, Path caPem, String password) {
    private static final String PASSWORD = "changeit";

    /** The CA certificate as PEM text. */
    public String caPemText() {
        try {
            return Files.readString(caPem);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Creates the files in a new temporary directory (valid for two days). */
    public static TestCertificates create() {
        try {
            Path dir = Files.createTempDirectory("rpcws-tls");
            Path ca = dir.resolve("ca.p12");
            Path server = dir.resolve("server.p12");
            Path trust = dir.resolve("truststore.p12");
            Path caPem = dir.resolve("ca.pem");
            Path csr = dir.resolve("server.csr");
            Path crt = dir.resolve("server.pem");
            keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=rpcws test CA",
                    "-ext", "bc:c", "-validity", "2", "-keystore", ca.toString());
            keytool("-exportcert", "-alias", "ca", "-rfc", "-file", caPem.toString(), "-keystore", ca.toString());
            keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                    "-validity", "2", "-keystore", server.toString());
            keytool("-certreq", "-alias", "server", "-file", csr.toString(), "-keystore", server.toString());
            keytool("-gencert", "-alias", "ca", "-infile", csr.toString(), "-outfile", crt.toString(), "-rfc", "-validity", "2",
                    "-ext", "san=dns:localhost,ip:127.0.0.1", "-ext", "eku=serverAuth", "-keystore", ca.toString());
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", server.toString());
            keytool("-importcert", "-noprompt", "-alias", "server", "-file", crt.toString(), "-keystore", server.toString());
            keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", trust.toString());
            return new TestCertificates(server, trust, caPem, PASSWORD);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void keytool(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) throw new IllegalStateException("keytool " + args[0] + " failed: " + out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
