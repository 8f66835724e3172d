package org.socengine.rules;

import java.io.Serializable;
import java.util.Map;

/**
 * A fixture of a rule: an NDJSON file of ECS events (or raw lines with a decoder source) and what
 * the rule must make of it.
 *
 * @param name what the test shows
 * @param events path of the events file, relative to the rule file
 * @param source when set, the events file holds raw lines of this source, decoded first
 * @param expectedAlerts the exact number of alerts
 * @param expectedEntity when set, every alert must carry these entity values
 * @param line where the test is declared in the rule file
 */
public record RuleTestCase(
        String name,
        String events,
        String source,
        int expectedAlerts,
        Map<String, String> expectedEntity,
        int line)
        implements Serializable {}
