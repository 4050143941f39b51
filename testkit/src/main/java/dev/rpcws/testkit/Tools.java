package dev.rpcws.testkit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Debian programs the cluster tests run (redis-server, haproxy), found on the PATH or where Debian installs them. */
final class Tools {
    private static final List<String> DIRS = List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

    private Tools() {}

    /** The program's path; fails saying how to install it. */
    static String require(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : (path + ":" + String.join(":", DIRS)).split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, program);
            if (Files.isExecutable(p)) return p.toString();
        }
        throw new IllegalStateException(program + " is not installed: run bash scripts/setup.sh (apt-get install redis-server haproxy)");
    }
}
