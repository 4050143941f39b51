package dev.rpcws.testkit;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * One message compressed and inflated as RFC 7692 (permessage-deflate) has it, for peers that write compressed
 * frames by hand: raw deflate, sync-flushed, the final {@code 00 00 ff ff} left off on the wire.
 */
public final class PerMessageDeflate {
    private static final byte[] TAIL = {0, 0, (byte) 0xff, (byte) 0xff};

    private PerMessageDeflate() {}

    /** One message compressed as a peer sends it. */
    public static byte[] compress(byte[] message) {
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(message);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        drain(deflater, out);
        deflater.end();
        return withoutTail(out.toByteArray());
    }

    /**
     * {@code length} copies of one character as one compressed message, compressed in 1 MiB steps (the whole
     * never exists in memory): a decompression bomb, about a thousandth of {@code length} on the wire.
     */
    public static byte[] compressedRun(char c, long length) {
        byte[] chunk = new byte[1 << 20];
        Arrays.fill(chunk, (byte) c);
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        for (long done = 0; done < length; done += chunk.length) {
            deflater.setInput(chunk, 0, (int) Math.min(chunk.length, length - done));
            while (!deflater.needsInput()) out.write(buffer, 0, deflater.deflate(buffer, 0, buffer.length, Deflater.NO_FLUSH));
        }
        drain(deflater, out);
        deflater.end();
        return withoutTail(out.toByteArray());
    }

    /** One compressed message inflated as a peer reads it: with the {@code 00 00 ff ff} put back. */
    public static byte[] inflate(byte[] compressed) throws DataFormatException {
        Inflater inflater = new Inflater(true);
        byte[] input = Arrays.copyOf(compressed, compressed.length + TAIL.length);
        System.arraycopy(TAIL, 0, input, compressed.length, TAIL.length);
        inflater.setInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        while (!inflater.needsInput()) out.write(buffer, 0, inflater.inflate(buffer));
        inflater.end();
        return out.toByteArray();
    }

    private static void drain(Deflater deflater, ByteArrayOutputStream out) {
        byte[] buffer = new byte[64 * 1024];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.SYNC_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length);
    }

    private static byte[] withoutTail(byte[] flushed) {
        if (!Arrays.equals(flushed, flushed.length - TAIL.length, flushed.length, TAIL, 0, TAIL.length)) {
            throw new IllegalStateException("a sync flush ends with 00 00 ff ff");
        }
        return Arrays.copyOf(flushed, flushed.length - TAIL.length);
    }
}
