package org.socengine.connectors.elasticsearch.sink.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.socengine.connectors.decode.DeadLetter;

/**
 * The dead letter of an alert Elasticsearch refused for good: the common fields (reason, origin
 * {@code soc.alerts}, the alert document as {@code raw}) and where it was headed, so an analyst can
 * find why an alert is missing and replay it once the mapping is fixed.
 */
public final class RefusedAlert extends DeadLetter {

    public String alertId;
    public String index;
    public int status;

    /** {@code create} or {@code update}. */
    public String operation;

    public RefusedAlert() {}

    @Override
    public ObjectNode toTree() {
        ObjectNode tree = super.toTree();
        tree.put("alert_id", alertId);
        tree.put("index", index);
        tree.put("status", status);
        tree.put("operation", operation);
        return tree;
    }
}
