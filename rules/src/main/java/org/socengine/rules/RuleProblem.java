package org.socengine.rules;

import java.io.Serializable;
import java.nio.file.Path;

/** One thing wrong with a rule file, located by file and line so that an admin can fix it. */
public record RuleProblem(String file, int line, String message) implements Serializable {

    public static RuleProblem of(Path file, int line, String message) {
        return new RuleProblem(file == null ? "<unknown>" : file.toString(), line, message);
    }

    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
