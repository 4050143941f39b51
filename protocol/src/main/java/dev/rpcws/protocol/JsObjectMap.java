package dev.rpcws.protocol;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The member order of a JavaScript object: array-index keys ("0", "1", ... up to 2^32 - 2) first, in
 * ascending numeric order, then every other key in insertion order. Objects parsed or built by the
 * protocol core use it, so that what we echo or build serialises exactly as the reference's
 * {@code JSON.stringify} would (e.g. {@code rpc.on} results with numeric event names).
 *
 * <p>JSON-RPC objects have two to five members and one is made for every message read and written, so up to
 * {@link #SMALL} members live in two arrays kept in member order, found by a linear scan: no hash table, no entry
 * per member. A larger object moves to a hash map of the other keys and a sorted map of the index keys, once.
 */
final class JsObjectMap extends AbstractMap<String, JsonNode> {
    /** The most members kept in the arrays; past it a linear scan would cost more than hashing. */
    static final int SMALL = 8;
    /** Canonical index keys have no leading zeros, so a shorter key is a smaller number. */
    private static final Comparator<String> NUMERIC = Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

    // Small: keys[0, indexCount) are the index keys in ascending order, keys[indexCount, size) the others in insertion order.
    private String[] keys = new String[4];
    private JsonNode[] values = new JsonNode[4];
    private int size;
    private int indexCount;
    // Large (keys == null): created when a put would exceed SMALL, and kept.
    private LinkedHashMap<String, JsonNode> named;
    private TreeMap<String, JsonNode> indexed;

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

    private int find(Object key) {
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) return i;
        }
        return -1;
    }

    private Map<String, JsonNode> home(Object key) {
        return key instanceof String s && isArrayIndex(s) ? indexed : named;
    }

    @Override public JsonNode get(Object key) {
        if (keys == null) return home(key).get(key);
        int i = find(key);
        return i < 0 ? null : values[i];
    }

    @Override public boolean containsKey(Object key) {
        return keys == null ? home(key).containsKey(key) : find(key) >= 0;
    }

    /** @throws NullPointerException for a null key: a JavaScript object has none */
    @Override public JsonNode put(String key, JsonNode value) {
        Objects.requireNonNull(key, "key");
        if (keys == null) return home(key).put(key, value);
        int i = find(key);
        if (i >= 0) {
            JsonNode old = values[i];
            values[i] = value;
            return old;
        }
        if (size == SMALL) {
            becomeLarge();
            return home(key).put(key, value);
        }
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, SMALL);
            values = Arrays.copyOf(values, SMALL);
        }
        int at = size;
        if (isArrayIndex(key)) {
            at = 0;
            while (at < indexCount && NUMERIC.compare(keys[at], key) < 0) at++;
            System.arraycopy(keys, at, keys, at + 1, size - at);
            System.arraycopy(values, at, values, at + 1, size - at);
            indexCount++;
        }
        keys[at] = key;
        values[at] = value;
        size++;
        return null;
    }

    private void becomeLarge() {
        named = new LinkedHashMap<>();
        indexed = new TreeMap<>(NUMERIC);
        for (int i = 0; i < size; i++) (i < indexCount ? indexed : named).put(keys[i], values[i]);
        keys = null;
        values = null;
    }

    @Override public JsonNode remove(Object key) {
        if (keys == null) return home(key).remove(key);
        int i = find(key);
        if (i < 0) return null;
        JsonNode old = values[i];
        removeAt(i);
        return old;
    }

    private void removeAt(int i) {
        System.arraycopy(keys, i + 1, keys, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        keys[size] = null;
        values[size] = null;
        if (i < indexCount) indexCount--;
    }

    @Override public int size() {
        return keys == null ? named.size() + indexed.size() : size;
    }

    @Override public void clear() {
        if (keys == null) {
            named.clear();
            indexed.clear();
        } else {
            Arrays.fill(keys, 0, size, null);
            Arrays.fill(values, 0, size, null);
            size = 0;
            indexCount = 0;
        }
    }

    @Override public Set<Entry<String, JsonNode>> entrySet() {
        if (keys != null) return new SmallEntries();
        if (indexed.isEmpty()) return named.entrySet();
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

    /** The arrays' members in order; an entry reads and writes its slot while the map is unchanged. */
    private final class SmallEntries extends AbstractSet<Entry<String, JsonNode>> {
        @Override public int size() { return JsObjectMap.this.size(); }

        @Override public Iterator<Entry<String, JsonNode>> iterator() {
            return new Iterator<>() {
                private int next;
                private int last = -1;

                @Override public boolean hasNext() { return keys != null && next < size; }

                @Override public Entry<String, JsonNode> next() {
                    if (!hasNext()) throw new NoSuchElementException();
                    last = next++;
                    return new Member(last);
                }

                @Override public void remove() {
                    if (last < 0) throw new IllegalStateException();
                    removeAt(last);
                    next = last;
                    last = -1;
                }
            };
        }
    }

    /** A member as read; {@code setValue} writes its slot (valid while the map is otherwise unchanged, as for any map). */
    private final class Member extends SimpleEntry<String, JsonNode> {
        private final int slot;

        Member(int slot) {
            super(keys[slot], values[slot]);
            this.slot = slot;
        }

        @Override public JsonNode setValue(JsonNode value) {
            values[slot] = value;
            return super.setValue(value);
        }
    }
}
