package org.socengine.connectors.decode.cef;

import org.socengine.connectors.decode.core.DecodeException;
import org.socengine.connectors.decode.core.DecoderOptions;
import org.socengine.connectors.decode.format.LeefFormat;
import org.socengine.model.SecurityEvent;

/**
 * IBM QRadar's Log Event Extended Format (source {@code leef}), versions 1.0 and 2.0, alone or
 * behind a syslog header: the body is read by {@link LeefFormat}.
 */
public class LeefDecoder extends DeviceMessageDecoder {

    public static final String SOURCE = "leef";

    public LeefDecoder(DecoderOptions options) {
        super(SOURCE, "LEEF:", options);
    }

    @Override
    protected void parseBody(String body, SecurityEvent event) throws DecodeException {
        LeefFormat.parse(body, event, options);
    }
}
