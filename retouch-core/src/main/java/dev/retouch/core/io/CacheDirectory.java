package dev.retouch.core.io;

import java.nio.file.Path;

/**
 * Retouch's per-user cache directory (the emoji archive, the engine self-check's verdicts): the system property
 * {@code retouch.cache}, else the environment variable {@code RETOUCH_CACHE}, else {@code ~/.cache/retouch}.
 */
public final class CacheDirectory {
    /** System property naming the cache directory. */
    public static final String PROPERTY = "retouch.cache";
    /** Environment variable naming the cache directory. */
    public static final String ENV = "RETOUCH_CACHE";

    private CacheDirectory() {
    }

    /** The directory named by this process's property, environment or home directory. */
    public static Path fromEnvironment() {
        return resolve(System.getProperty(PROPERTY), System.getenv(ENV), System.getProperty("user.home"));
    }

    /** The first of {@code property}, {@code env} that is set and not blank, else {@code home/.cache/retouch}. */
    public static Path resolve(String property, String env, String home) {
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(home, ".cache", "retouch");
    }
}
