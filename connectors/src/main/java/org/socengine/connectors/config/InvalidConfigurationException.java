package org.socengine.connectors.config;

import java.io.IOException;
import java.util.List;

/** A configuration the engine refuses to start with; every problem is listed. */
public final class InvalidConfigurationException extends IOException {

    private final List<ConfigProblem> problems;

    public InvalidConfigurationException(List<ConfigProblem> problems) {
        super(summary(problems));
        this.problems = List.copyOf(problems);
    }

    public List<ConfigProblem> problems() {
        return problems;
    }

    private static String summary(List<ConfigProblem> problems) {
        String first = problems.get(0).format();
        return problems.size() == 1
                ? first
                : first + " (and " + (problems.size() - 1) + " more: ./soc config check FILE)";
    }
}
