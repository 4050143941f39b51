package dev.rpcws.protocol;

import com.fasterxml.jackson.core.io.NumberOutput;

/** Formats doubles the way JavaScript's {@code Number.prototype.toString} (and so {@code JSON.stringify}) does. */
final class JsNumbers {
    private JsNumbers() {}

    /** {@code 2.0 -> "2"}, {@code 1e-7 -> "1e-7"}, {@code 1e21 -> "1e+21"}, {@code -0.0 -> "0"}; NaN and infinities are {@code null} in JSON. */
    static String format(double v) {
        if (v == 0) return "0";
        if (Double.isNaN(v) || Double.isInfinite(v)) return "null";
        if (v == Math.rint(v) && Math.abs(v) < 1e15) return Long.toString((long) v);
        // Shortest round-trip digits (Schubfach), then re-laid out with JavaScript's rules.
        String java = NumberOutput.toString(v, true);
        boolean negative = java.charAt(0) == '-';
        if (negative) java = java.substring(1);
        int e = java.indexOf('E');
        String mantissa = e < 0 ? java : java.substring(0, e);
        int exponent = e < 0 ? 0 : Integer.parseInt(java.substring(e + 1));
        int dot = mantissa.indexOf('.');
        String intPart = dot < 0 ? mantissa : mantissa.substring(0, dot);
        String fracPart = dot < 0 ? "" : mantissa.substring(dot + 1);
        String digits = intPart + fracPart;
        int pointPos = intPart.length() + exponent; // value = 0.digits x 10^pointPos, once digits are trimmed
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') lead++;
        digits = digits.substring(lead);
        pointPos -= lead;
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') end--;
        digits = digits.substring(0, end);
        if (digits.length() == 2) {
            // Java always prints two significant digits (4.9E-324); JavaScript prints one when one round-trips (5e-324).
            String one = shortestSingleDigit(Math.abs(v), digits, pointPos);
            if (one != null) {
                if (one.length() > 1) pointPos++; // 9.x rounded up to 10: one digit, one place further
                digits = one.substring(0, 1);
            }
        }
        return (negative ? "-" : "") + layout(digits, pointPos);
    }

    /** The one-digit decimal that reads back as {@code v}, closest first; {@code null} if none does. */
    private static String shortestSingleDigit(double v, String twoDigits, int pointPos) {
        int d = twoDigits.charAt(0) - '0';
        int next = twoDigits.charAt(1) - '0';
        int[] candidates = next >= 5 ? new int[] {d + 1, d} : new int[] {d, d + 1};
        for (int c : candidates) {
            if (c == 0) continue;
            String text = c + "e" + (pointPos - 1);
            if (Double.parseDouble(text) == v) return Integer.toString(c);
        }
        return null;
    }

    /** ECMA-262 Number::toString: k digits, n = position of the decimal point. */
    private static String layout(String digits, int n) {
        int k = digits.length();
        StringBuilder out = new StringBuilder(k + 8);
        if (k <= n && n <= 21) {
            out.append(digits);
            for (int i = k; i < n; i++) out.append('0');
        } else if (0 < n && n <= 21) {
            out.append(digits, 0, n).append('.').append(digits, n, k);
        } else if (-6 < n && n <= 0) {
            out.append("0.");
            for (int i = n; i < 0; i++) out.append('0');
            out.append(digits);
        } else {
            int exp = n - 1;
            out.append(digits.charAt(0));
            if (k > 1) out.append('.').append(digits, 1, k);
            out.append('e').append(exp >= 0 ? "+" : "-").append(Math.abs(exp));
        }
        return out.toString();
    }
}
