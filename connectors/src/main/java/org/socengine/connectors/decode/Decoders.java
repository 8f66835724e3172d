package org.socengine.connectors.decode;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import org.socengine.connectors.decode.cef.CefDecoder;
import org.socengine.connectors.decode.cef.LeefDecoder;
import org.socengine.connectors.decode.core.Decoder;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.dns.DnsQueryLogDecoder;
import org.socengine.connectors.decode.firewall.AsaDecoder;
import org.socengine.connectors.decode.network.NetflowDecoder;
import org.socengine.connectors.decode.network.SuricataEveDecoder;
import org.socengine.connectors.decode.network.ZeekDecoder;
import org.socengine.connectors.decode.syslog.SyslogDecoder;
import org.socengine.connectors.decode.web.AccessLogDecoder;
import org.socengine.connectors.decode.windows.WindowsEventDecoder;
import org.socengine.model.SocTopics;

/**
 * The decoders by source name, as the topic {@code soc.raw.<source>} or the configuration names
 * them.
 */
public final class Decoders {

    private static final Map<String, Function<DecoderOptions, Decoder>> FACTORIES = new TreeMap<>();

    static {
        register(SyslogDecoder.SOURCE, SyslogDecoder::new);
        register(CefDecoder.SOURCE, CefDecoder::new);
        register(LeefDecoder.SOURCE, LeefDecoder::new);
        register(AsaDecoder.SOURCE, AsaDecoder::new);
        register(AccessLogDecoder.SOURCE, AccessLogDecoder::new);
        register(SuricataEveDecoder.SOURCE, SuricataEveDecoder::new);
        register(ZeekDecoder.SOURCE, ZeekDecoder::new);
        register(NetflowDecoder.SOURCE, NetflowDecoder::new);
        register(WindowsEventDecoder.SOURCE, WindowsEventDecoder::new);
        register(DnsQueryLogDecoder.SOURCE, DnsQueryLogDecoder::new);
    }

    /**
     * What a source's events can be: the {@code event.category} values its decoder sets (an event
     * may also have none) and whether they may carry a DNS part. Syslog carries CEF, LEEF, ASA, web
     * access and DNS query bodies too, so it has their categories. A source absent from {@link
     * #PRODUCES} may produce anything.
     */
    public record Produces(Set<String> categories, boolean dns) {}

    private static final Map<String, Produces> PRODUCES =
            Map.of(
                    SyslogDecoder.SOURCE,
                    new Produces(
                            Set.of(
                                    "authentication",
                                    "session",
                                    "network",
                                    "iam",
                                    "process",
                                    "file",
                                    "host",
                                    "web"),
                            true),
                    CefDecoder.SOURCE,
                    new Produces(Set.of("network", "web", "host"), false),
                    LeefDecoder.SOURCE,
                    new Produces(Set.of("network", "web", "host"), false),
                    AsaDecoder.SOURCE,
                    new Produces(Set.of("authentication", "network"), false),
                    AccessLogDecoder.SOURCE,
                    new Produces(Set.of("web"), false),
                    DnsQueryLogDecoder.SOURCE,
                    new Produces(Set.of("network"), true),
                    NetflowDecoder.SOURCE,
                    new Produces(Set.of("network"), false));

    private Decoders() {}

    /** What the source's events can be, or null when that is not declared (anything). */
    public static Produces produces(String source) {
        return PRODUCES.get(source);
    }

    static void register(String source, Function<DecoderOptions, Decoder> factory) {
        FACTORIES.put(source, factory);
    }

    public static Set<String> sources() {
        return FACTORIES.keySet();
    }

    public static boolean exists(String source) {
        return FACTORIES.containsKey(source);
    }

    public static Decoder forSource(String source, DecoderOptions options) {
        Function<DecoderOptions, Decoder> f = FACTORIES.get(source);
        if (f == null) {
            throw new IllegalArgumentException(
                    "unknown source '"
                            + source
                            + "' (known: "
                            + String.join(", ", sources())
                            + ")");
        }
        return f.apply(options);
    }

    /**
     * The source a topic carries: {@code soc.raw.syslog} and {@code soc.raw.syslog.so-yt} are
     * syslog.
     */
    public static String sourceOfTopic(String topic) {
        return SocTopics.sourceOf(topic);
    }
}
