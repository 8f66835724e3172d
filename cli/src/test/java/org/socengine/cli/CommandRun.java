package org.socengine.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One run of {@code ./soc} in this JVM, exactly as {@link SocCommand#execute} runs it, with its
 * output.
 */
record CommandRun(int code, String out, String err) {

    static CommandRun of(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = SocCommand.execute(args);
            return new CommandRun(
                    code,
                    out.toString(StandardCharsets.UTF_8),
                    err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    /** {@code ./soc COMMAND ARGS}. */
    static CommandRun under(String command, String... args) {
        String[] all = new String[args.length + 1];
        all[0] = command;
        System.arraycopy(args, 0, all, 1, args.length);
        return of(all);
    }

    /** A loopback URL nobody listens on: the commands that must fail before connecting use it. */
    static String deadUrl() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return "http://127.0.0.1:" + s.getLocalPort();
        }
    }

    List<String> outLines() {
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    /**
     * Standard error's lines, without the two that OpenTelemetry logs through java.util.logging at
     * the Elasticsearch client's first use in a JVM: Selenium (test scope, the console's browser
     * test) puts OpenTelemetry's autoconfigure on the test class path, ./soc's jar has no such
     * class. The first test to reach Elasticsearch got them, so a "one line" check passed or failed
     * with the order the tests ran in.
     */
    List<String> errLines() {
        return err.lines()
                .filter(l -> !l.isBlank())
                .filter(l -> !l.contains("io.opentelemetry.api.GlobalOpenTelemetry"))
                .filter(l -> !l.contains("otel.java.global-autoconfigure"))
                .toList();
    }

    /** The last line on stderr: the summary of decode, detect and the rules commands. */
    String summary() {
        List<String> l = errLines();
        return l.isEmpty() ? "" : l.get(l.size() - 1);
    }
}
