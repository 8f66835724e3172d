package org.socengine.cli;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** Where the commands print: standard output in UTF-8 (department names are Vietnamese). */
final class Terminal {

    private Terminal() {}

    /** Flushed per line, so a table shows as it is printed and survives an exit right after. */
    static PrintStream out() {
        return new PrintStream(System.out, true, StandardCharsets.UTF_8);
    }
}
