package org.socengine.connectors.decode.cef;

import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.format.CefFormat;
import org.socengine.model.SecurityEvent;

/**
 * ArcSight Common Event Format (source {@code cef}), as firewalls, proxies and IDSes send it, alone
 * or behind a syslog header: the body is read by {@link CefFormat}.
 */
public class CefDecoder extends DeviceMessageDecoder {

    public static final String SOURCE = "cef";

    public CefDecoder(DecoderOptions options) {
        super(SOURCE, "CEF:", options);
    }

    @Override
    protected void parseBody(String body, SecurityEvent event) throws DecodeException {
        CefFormat.parse(body, event, options);
    }
}
