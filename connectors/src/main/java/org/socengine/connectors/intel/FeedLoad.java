package org.socengine.connectors.intel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What reading one or more feed files gave: the indicators to publish, the keys to delete (revoked,
 * deleted), every problem with where it is ({@code file:line} or {@code file: object id}), and
 * entries skipped on purpose with why.
 */
public final class FeedLoad {

    /** Indicators by key: a later file's version of an indicator replaces an earlier one's. */
    public final Map<String, Indicator> indicators = new LinkedHashMap<>();

    public final List<String> deletes = new ArrayList<>();
    public final List<String> problems = new ArrayList<>();

    /** Entries left out on purpose (not for detection, unsupported pattern), by reason. */
    public final Map<String, Integer> skipped = new TreeMap<>();

    public int files;

    void add(Indicator i) {
        indicators.put(i.key(), i);
    }

    void delete(String key) {
        indicators.remove(key);
        deletes.add(key);
    }

    void problem(String where, String what) {
        problems.add(where + ": " + what);
    }

    void skip(String reason) {
        skipped.merge(reason, 1, Integer::sum);
    }

    /** Indicators by kind ({@code ip}, {@code domain}, ...). */
    public Map<String, Integer> countsByKind() {
        Map<String, Integer> out = new TreeMap<>();
        for (Indicator i : indicators.values()) {
            out.merge(i.kind.id(), 1, Integer::sum);
        }
        return out;
    }

    /** One line for people: {@code 12 indicators (domain 3, ip 9), 1 delete, 0 problems}. */
    public String summary() {
        StringBuilder b = new StringBuilder();
        b.append(files).append(files == 1 ? " file, " : " files, ");
        b.append(indicators.size()).append(" indicators");
        Map<String, Integer> kinds = countsByKind();
        if (!kinds.isEmpty()) {
            b.append(" (");
            kinds.forEach((k, n) -> b.append(k).append(' ').append(n).append(", "));
            b.setLength(b.length() - 2);
            b.append(')');
        }
        b.append(", ").append(deletes.size()).append(deletes.size() == 1 ? " delete" : " deletes");
        int skip = skipped.values().stream().mapToInt(Integer::intValue).sum();
        if (skip > 0) {
            b.append(", ").append(skip).append(" skipped ").append(skipped);
        }
        b.append(", ")
                .append(problems.size())
                .append(problems.size() == 1 ? " problem" : " problems");
        return b.toString();
    }
}
