package org.socengine.connectors.enrich;

import java.io.Serializable;
import java.util.List;

/**
 * A tenant of the SOC: a provincial department, a district office or a public administration
 * center, with the address ranges of its network.
 */
public record Department(String id, String name, List<String> cidrs) implements Serializable {}
