package org.socengine.cli.bench;

import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How each source the engine decodes writes its time, for the traffic the bench and demo make. */
public final class LogTimestamps {

    private LogTimestamps() {}

    public static final DateTimeFormatter BSD =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);
    public static final DateTimeFormatter BSD_YEAR =
            DateTimeFormatter.ofPattern("MMM dd yyyy HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);
    public static final DateTimeFormatter CLF =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss '+0000'", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);
    public static final DateTimeFormatter EVE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'+0000'", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);
    public static final DateTimeFormatter PMACCT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);
    public static final DateTimeFormatter WINLOG =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);
    public static final DateTimeFormatter BIND =
            DateTimeFormatter.ofPattern("dd-MMM-yyyy HH:mm:ss.SSS", Locale.ENGLISH)
                    .withZone(ZoneOffset.UTC);
}
