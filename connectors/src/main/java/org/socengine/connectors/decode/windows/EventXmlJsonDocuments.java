package org.socengine.connectors.decode.windows;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a file of Windows events as JSON from the event XML ({@code {"Event": {"System": ...,
 * "EventData": ...}}}) into one-line records for the {@code winlog} decoder. evtx_dump and
 * SigmaHQ's regression data write the documents pretty-printed and one after the other with no
 * separator; Velociraptor writes one per line, or a JSON array. All three come out the same.
 */
public final class EventXmlJsonDocuments {

    private static final ObjectMapper JSON =
            new ObjectMapper().configure(JsonParser.Feature.ALLOW_COMMENTS, false);

    /** Largest file split at once: the documents are held as lines in memory. */
    public static final int MAX_CHARS = 64 * 1024 * 1024;

    private EventXmlJsonDocuments() {}

    /**
     * The documents of the text, each as one compact JSON line, in file order.
     *
     * @throws IOException when the text is not a sequence of JSON documents (with the position)
     */
    public static List<String> records(String text) throws IOException {
        if (text.length() > MAX_CHARS) {
            throw new IOException("more than " + MAX_CHARS + " characters of JSON in one file");
        }
        List<String> out = new ArrayList<>();
        try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(text)) {
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                if (n.isArray()) {
                    for (JsonNode x : n) {
                        out.add(JSON.writeValueAsString(x));
                    }
                } else {
                    out.add(JSON.writeValueAsString(n));
                }
            }
        } catch (RuntimeException e) {
            throw new IOException("not a sequence of JSON documents: " + e.getMessage(), e);
        }
        return out;
    }
}
