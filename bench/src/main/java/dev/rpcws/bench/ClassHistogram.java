package dev.rpcws.bench;

/** Reads the output of {@code jcmd <pid> GC.class_histogram}: live objects by class, and their total. */
final class ClassHistogram {
    private ClassHistogram() {}

    /** The bytes of the {@code Total <instances> <bytes>} line that ends the histogram. */
    static long totalBytes(String histogram) {
        String[] lines = histogram.strip().split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            String[] f = lines[i].trim().split("\\s+");
            if (f.length == 3 && f[0].equals("Total")) return Long.parseLong(f[2]);
        }
        throw new IllegalArgumentException("no Total line in the class histogram: "
                + histogram.substring(0, Math.min(200, histogram.length())));
    }
}
