package dev.rpcws.protocol;

/** UTF-8 decoding as the reference server does it for binary frames. */
public final class Utf8 {
    private static final char REPLACEMENT = '\ufffd';

    private Utf8() {}

    /**
     * Decodes UTF-8 as the WHATWG Encoding Standard does, which is what Node's {@code Buffer.toString()} gives the
     * reference for a binary frame: each maximal invalid subsequence becomes one U+FFFD. The JDK's decoder differs
     * for encoded surrogates ({@code ED A0 80}: one U+FFFD there, three here).
     *
     * @param bytes the frame's payload
     * @return its text, each invalid subsequence replaced
     */
    public static String decodeReplacing(byte[] bytes) {
        StringBuilder out = new StringBuilder(bytes.length);
        int needed = 0;
        int seen = 0;
        int codePoint = 0;
        int lower = 0x80;
        int upper = 0xbf;
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (needed == 0) {
                if (b <= 0x7f) {
                    out.append((char) b);
                } else if (b >= 0xc2 && b <= 0xdf) {
                    needed = 1;
                    codePoint = b & 0x1f;
                } else if (b >= 0xe0 && b <= 0xef) {
                    if (b == 0xe0) lower = 0xa0;
                    if (b == 0xed) upper = 0x9f;
                    needed = 2;
                    codePoint = b & 0x0f;
                } else if (b >= 0xf0 && b <= 0xf4) {
                    if (b == 0xf0) lower = 0x90;
                    if (b == 0xf4) upper = 0x8f;
                    needed = 3;
                    codePoint = b & 0x07;
                } else {
                    out.append(REPLACEMENT);
                }
                continue;
            }
            if (b < lower || b > upper) { // the sequence so far is one error; this byte starts afresh
                out.append(REPLACEMENT);
                needed = seen = codePoint = 0;
                lower = 0x80;
                upper = 0xbf;
                i--;
                continue;
            }
            lower = 0x80;
            upper = 0xbf;
            codePoint = (codePoint << 6) | (b & 0x3f);
            if (++seen == needed) {
                out.appendCodePoint(codePoint);
                needed = seen = codePoint = 0;
            }
        }
        if (needed != 0) out.append(REPLACEMENT);
        return out.toString();
    }
}
