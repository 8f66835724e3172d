package org.socengine.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import java.io.IOException;
import java.io.UncheckedIOException;

/** ECS JSON codec of {@link SecurityEvent}: one JSON object per event, as in NDJSON fixtures. */
public final class EventJson {

    private static final ObjectWriter WRITER = Json.mapper().writerFor(SecurityEvent.class);
    private static final ObjectReader READER = Json.mapper().readerFor(SecurityEvent.class);

    private EventJson() {}

    public static String toJson(SecurityEvent event) {
        try {
            return WRITER.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static JsonNode toTree(SecurityEvent event) {
        return Json.mapper().valueToTree(event);
    }

    /**
     * Reads an ECS JSON document. Accepts nested objects ({@code "source": {"ip": ...}}) and, as
     * fixtures are often written, dotted keys ({@code "source.ip": ...}).
     */
    public static SecurityEvent fromJson(String json) throws IOException {
        JsonNode tree = Json.mapper().readTree(json);
        if (tree == null || !tree.isObject()) {
            throw new IOException("not a JSON object");
        }
        return fromTree(tree);
    }

    public static SecurityEvent fromTree(JsonNode tree) throws IOException {
        JsonNode nested = DottedKeys.expand(tree);
        SecurityEvent event = READER.readValue(nested);
        if (!nested.has("@timestamp")) {
            throw new IOException("event has no @timestamp");
        }
        return event;
    }
}
