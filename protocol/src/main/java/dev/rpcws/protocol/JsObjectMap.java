package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;

/**
 * The member order of a JavaScript object: array-index keys ("0", "1", ... up to 2^32 - 2) first, in
 * ascending numeric order, then every other key in insertion order. Objects parsed or built by the
 * protocol core use it, so that what we echo or build serialises exactly as the reference's
 * {@code JSON.stringify} would (e.g. {@code rpc.on} results with numeric event names).
 */
final class JsObjectMap extends AbstractMap<String, JsonNode> {
    /** Canonical index keys have no leading zeros, so a shorter key is a smaller number. */
    private static final Comparator<String> NUMERIC = Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

    private final LinkedHashMap<String, JsonNode> named = new LinkedHashMap<>();
    private TreeMap<String, JsonNode> indexed; // created on the first index key: most objects have none

    static boolean isArrayIndex(String key) {
        int n = key.length();
        if (n == 0 || n > 10) return false;
        if (key.charAt(0) == '0') return n == 1;
        for (int i = 0; i < n; i++) {
            char c = key.charAt(i);
            if (c < '0' || c > '9') return false;
        }
        return Long.parseLong(key) <= 4294967294L;
    }

    private Map<String, JsonNode> home(Object key, boolean create) {
        if (key instanceof String s && isArrayIndex(s)) {
            if (indexed == null && create) indexed = new TreeMap<>(NUMERIC);
            return indexed;
        }
        return named;
    }

    @Override public JsonNode get(Object key) {
        Map<String, JsonNode> m = home(key, false);
        return m == null ? null : m.get(key);
    }

    @Override public boolean containsKey(Object key) {
        Map<String, JsonNode> m = home(key, false);
        return m != null && m.containsKey(key);
    }

    @Override public JsonNode put(String key, JsonNode value) {
        return home(key, true).put(key, value);
    }

    @Override public JsonNode remove(Object key) {
        Map<String, JsonNode> m = home(key, false);
        return m == null ? null : m.remove(key);
    }

    @Override public int size() {
        return named.size() + (indexed == null ? 0 : indexed.size());
    }

    @Override public void clear() {
        named.clear();
        indexed = null;
    }

    @Override public Set<Entry<String, JsonNode>> entrySet() {
        if (indexed == null || indexed.isEmpty()) return named.entrySet();
        return new AbstractSet<>() {
            @Override public int size() { return JsObjectMap.this.size(); }

            @Override public Iterator<Entry<String, JsonNode>> iterator() {
                Iterator<Entry<String, JsonNode>> first = indexed.entrySet().iterator();
                Iterator<Entry<String, JsonNode>> second = named.entrySet().iterator();
                return new Iterator<>() {
                    private Iterator<Entry<String, JsonNode>> last;

                    @Override public boolean hasNext() { return first.hasNext() || second.hasNext(); }

                    @Override public Entry<String, JsonNode> next() {
                        if (first.hasNext()) last = first;
                        else if (second.hasNext()) last = second;
                        else throw new NoSuchElementException();
                        return last.next();
                    }

                    @Override public void remove() { last.remove(); }
                };
            }
        };
    }
}
