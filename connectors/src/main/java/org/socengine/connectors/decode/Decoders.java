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

    private Decoders() {}

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
