package org.socengine.rules.engine;

import com.espertech.esper.common.client.soda.Conjunction;
import com.espertech.esper.common.client.soda.ConstantExpression;
import com.espertech.esper.common.client.soda.Disjunction;
import com.espertech.esper.common.client.soda.Expression;
import com.espertech.esper.common.client.soda.InExpression;
import com.espertech.esper.common.client.soda.PropertyValueExpression;
import com.espertech.esper.common.client.soda.RelationalOpExpression;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Reads the {@link EventCondition} of a stream filter from its statement model: {@code field =
 * 'constant'}, {@code field in ('a', 'b')}, {@code field is not null} on fields of the event model,
 * joined by {@code and} and {@code or}. Anything else (functions, comparisons with other events,
 * {@code not}, {@code fields('Name')}, names that may be a tag or alias) is "may hold": the
 * condition only ever lets more events through than the filter.
 */
final class FilterConditions {

    private FilterConditions() {}

    /**
     * @param local true for a name the rule declares (tag, alias, window, column...): a property
     *     that starts with one is not the filtered event's own field
     */
    static EventCondition of(Expression filter, Predicate<String> local) {
        if (filter == null) {
            return EventCondition.ALWAYS;
        }
        if (filter instanceof Conjunction c) {
            List<EventCondition> parts = new ArrayList<>();
            for (Expression child : c.getChildren()) {
                parts.add(of(child, local));
            }
            return EventCondition.and(parts);
        }
        if (filter instanceof Disjunction d) {
            List<EventCondition> parts = new ArrayList<>();
            for (Expression child : d.getChildren()) {
                parts.add(of(child, local));
            }
            return EventCondition.or(parts);
        }
        if (filter instanceof RelationalOpExpression r && r.getChildren().size() == 2) {
            Expression a = r.getChildren().get(0);
            Expression b = r.getChildren().get(1);
            String op =
                    r.getOperator() == null
                            ? ""
                            : r.getOperator().trim().toLowerCase(java.util.Locale.ROOT);
            if (op.equals("=")) {
                if (b instanceof PropertyValueExpression) {
                    Expression t = a;
                    a = b;
                    b = t;
                }
                String path = path(a, local);
                if (path != null && b instanceof ConstantExpression k && k.getConstant() != null) {
                    return EventCondition.in(path, Set.of(k.getConstant()));
                }
            } else if (op.equals("is not")) {
                String path = path(a, local);
                if (path != null && b instanceof ConstantExpression k && k.getConstant() == null) {
                    return EventCondition.present(path);
                }
            }
            return EventCondition.ALWAYS;
        }
        if (filter instanceof InExpression in && !in.isNotIn() && in.getChildren().size() >= 2) {
            String path = path(in.getChildren().get(0), local);
            if (path == null) {
                return EventCondition.ALWAYS;
            }
            Set<Object> values = new LinkedHashSet<>();
            for (Expression v : in.getChildren().subList(1, in.getChildren().size())) {
                if (!(v instanceof ConstantExpression k) || k.getConstant() == null) {
                    return EventCondition.ALWAYS;
                }
                values.add(k.getConstant());
            }
            return EventCondition.in(path, values);
        }
        return EventCondition.ALWAYS;
    }

    /** The event field a property names, or null when it may name anything else. */
    private static String path(Expression e, Predicate<String> local) {
        if (!(e instanceof PropertyValueExpression p) || p.getPropertyName() == null) {
            return null;
        }
        String name = p.getPropertyName();
        List<String> segments = EplAllowList.segments(name);
        if (segments == null || local.test(segments.get(0))) {
            return null;
        }
        return name;
    }
}
