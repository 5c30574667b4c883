package dev.retouch.data;

import java.nio.charset.StandardCharsets;

/**
 * A deterministic train/validation/test split by group key.
 *
 * <p>A key's split depends on the key alone: its 64-bit FNV-1a hash (over the key's UTF-8 bytes) taken unsigned
 * mod 100 gives a bucket; buckets 0–79 are {@link #TRAIN}, 80–89 {@link #VALIDATION} and 90–99 {@link #TEST}
 * (80/10/10). The hash is implemented here, never {@link String#hashCode()}, so splits are stable across JVMs,
 * runs and machines. Datasets pass a group key (e.g. the base emoji's code) so that related items never straddle
 * two splits.
 */
public enum Split {
    TRAIN,
    VALIDATION,
    TEST;

    private static final long FNV_OFFSET_BASIS = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    /**
     * The split named {@code name} (train, validation or test, any case).
     *
     * @throws dev.retouch.core.InvalidRequestException for any other name
     */
    public static Split parse(String name) {
        for (Split s : values()) {
            if (s.name().equalsIgnoreCase(name)) {
                return s;
            }
        }
        throw new dev.retouch.core.InvalidRequestException("unknown split '" + name
                + "': expected train, validation or test");
    }

    /** The split of a group key: {@link #TRAIN} for buckets 0–79, {@link #VALIDATION} 80–89, {@link #TEST} 90–99. */
    public static Split forKey(String groupKey) {
        int bucket = bucket(groupKey);
        if (bucket < 80) {
            return TRAIN;
        }
        return bucket < 90 ? VALIDATION : TEST;
    }

    /** The key's bucket in [0, 100): {@code fnv1a64(key) mod 100}, unsigned. */
    public static int bucket(String groupKey) {
        return (int) Long.remainderUnsigned(fnv1a64(groupKey), 100);
    }

    /** 64-bit FNV-1a over the UTF-8 bytes of {@code text}. */
    public static long fnv1a64(String text) {
        long hash = FNV_OFFSET_BASIS;
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return hash;
    }
}
