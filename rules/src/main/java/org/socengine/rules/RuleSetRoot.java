package org.socengine.rules;

import java.nio.file.Path;

/**
 * The folder of the rule set being read on this thread. A rule may refer to rules in other files of
 * its set (a Sigma correlation names the rules it counts); the loader and the linter say which set
 * that is while they read it, without passing it through every parser.
 */
public final class RuleSetRoot {

    private static final ThreadLocal<Path> CURRENT = new ThreadLocal<>();

    private RuleSetRoot() {}

    /** Makes {@code root} the current rule set until the returned scope is closed. */
    public static Scope enter(Path root) {
        Path previous = CURRENT.get();
        CURRENT.set(root == null ? null : root.toAbsolutePath().normalize());
        return () -> {
            if (previous == null) {
                CURRENT.remove();
            } else {
                CURRENT.set(previous);
            }
        };
    }

    /** The current rule set's folder, or null outside a load or lint. */
    public static Path current() {
        return CURRENT.get();
    }

    /** A scope that ends without an exception. */
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }
}
