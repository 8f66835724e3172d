package org.socengine.rules.engine;

import com.espertech.esper.common.client.soda.CreateWindowClause;
import com.espertech.esper.common.client.soda.EPStatementObjectModel;
import com.espertech.esper.common.client.soda.Expression;
import com.espertech.esper.common.client.soda.FilterStream;
import com.espertech.esper.common.client.soda.InsertIntoClause;
import com.espertech.esper.common.client.soda.PreviousExpression;
import com.espertech.esper.common.client.soda.PriorExpression;
import com.espertech.esper.common.client.soda.PropertyValueExpression;
import com.espertech.esper.common.client.soda.SelectClause;
import com.espertech.esper.common.client.soda.SelectClauseWildcard;
import com.espertech.esper.common.client.soda.StreamSelector;
import com.espertech.esper.common.client.soda.View;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds the named windows of a rule that a restore can rebuild from the last event of each key
 * ({@link KeyedWindow}). Exactness is the point, so the test is narrow and anything unusual keeps
 * the window's full horizon: the window is {@code #unique} of plain properties intersected with one
 * {@code #time}, and every statement that writes it is {@code insert into W select * from
 * Stream(filter)} on a shared stream, with no window, join, subquery, aggregation, {@code prior} or
 * {@code prev}, context or output control: the event alone then decides whether it enters, so the
 * same event replayed at the same time enters again. An {@code on} or {@code update} statement
 * naming the window (which could delete, change or merge its rows) disqualifies it.
 */
final class KeyedWindows {

    private KeyedWindows() {}

    /** The keyed windows of a module: window name to its {@code #unique} properties. */
    static Map<String, List<String>> find(List<EplAllowList.Statement> statements) {
        Map<String, List<String>> candidates = new LinkedHashMap<>();
        for (EplAllowList.Statement s : statements) {
            CreateWindowClause w = s.model().getCreateWindow();
            if (w != null) {
                List<String> keys = uniqueTimeKeys(w);
                if (keys != null) {
                    candidates.put(w.getWindowName(), keys);
                }
            }
        }
        for (EplAllowList.Statement s : statements) {
            if (candidates.isEmpty()) {
                break;
            }
            EPStatementObjectModel m = s.model();
            if (m.getCreateWindow() != null) {
                continue;
            }
            InsertIntoClause into = m.getInsertInto();
            if (into != null
                    && candidates.containsKey(into.getStreamName())
                    && !wholeEventInsert(s)) {
                candidates.remove(into.getStreamName());
            }
            if (m.getOnExpr() != null || m.getUpdateClause() != null) {
                candidates.keySet().removeIf(name -> names(s.text(), name));
            }
        }
        return candidates;
    }

    /** The properties of {@code #unique(...)#time(T)} (either order), or null. */
    private static List<String> uniqueTimeKeys(CreateWindowClause w) {
        if (w.isInsert() || w.isRetainUnion() || w.getViews() == null) {
            return null;
        }
        List<View> views = w.getViews();
        if (views.size() != 2) {
            return null;
        }
        List<String> keys = null;
        boolean time = false;
        for (View v : views) {
            if (v.getNamespace() != null && !v.getNamespace().isEmpty()) {
                return null;
            }
            String name = v.getName() == null ? "" : v.getName().toLowerCase(Locale.ROOT);
            if (name.equals("unique") && keys == null && !v.getParameters().isEmpty()) {
                keys = new ArrayList<>();
                for (Expression p : v.getParameters()) {
                    if (!(p instanceof PropertyValueExpression pv)) {
                        return null;
                    }
                    keys.add(pv.getPropertyName());
                }
            } else if (name.equals("time") && !time && v.getParameters().size() == 1) {
                time = true;
            } else {
                return null;
            }
        }
        return time ? keys : null;
    }

    /** {@code insert into W select * from Stream(filter) [where ...]} and nothing more. */
    private static boolean wholeEventInsert(EplAllowList.Statement s) {
        EPStatementObjectModel m = s.model();
        InsertIntoClause into = m.getInsertInto();
        if ((into.getStreamSelector() != null
                        && into.getStreamSelector() != StreamSelector.ISTREAM_ONLY)
                || (into.getColumnNames() != null && !into.getColumnNames().isEmpty())
                || into.getEventPrecedence() != null) {
            return false;
        }
        SelectClause select = m.getSelectClause();
        if (select == null
                || select.isDistinct()
                || (select.getStreamSelector() != null
                        && select.getStreamSelector() != StreamSelector.ISTREAM_ONLY)
                || select.getSelectList().size() != 1
                || !(select.getSelectList().get(0) instanceof SelectClauseWildcard)) {
            return false;
        }
        if (m.getFromClause() == null
                || m.getFromClause().getStreams().size() != 1
                || !(m.getFromClause().getStreams().get(0) instanceof FilterStream fs)
                || (fs.getViews() != null && !fs.getViews().isEmpty())
                || fs.getFilter() == null
                || !EventStreams.STREAMS.containsKey(fs.getFilter().getEventTypeName())) {
            return false;
        }
        if (m.getContextName() != null
                || m.getGroupByClause() != null
                || m.getHavingClause() != null
                || m.getOrderByClause() != null
                || m.getOutputLimitClause() != null
                || m.getRowLimitClause() != null
                || m.getMatchRecognizeClause() != null
                || m.getForClause() != null
                || m.getIntoTableClause() != null) {
            return false;
        }
        for (Object node : s.nodes()) {
            if ((node instanceof EPStatementObjectModel sub && sub != m)
                    || node instanceof PriorExpression
                    || node instanceof PreviousExpression) {
                return false;
            }
        }
        return true;
    }

    private static boolean names(String text, String window) {
        return Pattern.compile("(?<![\\w$])" + Pattern.quote(window) + "(?![\\w$])")
                .matcher(text)
                .find();
    }
}
