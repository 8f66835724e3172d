package org.socengine.cli;

/** A failure the user caused or can fix, reported as one line with its exit code. */
public class CliFailure extends RuntimeException {

    private final int exitCode;

    public CliFailure(String message) {
        this(message, 1);
    }

    public CliFailure(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
