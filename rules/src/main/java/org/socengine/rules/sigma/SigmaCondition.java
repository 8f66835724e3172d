package org.socengine.rules.sigma;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A Sigma detection condition as a tree: {@code and}, {@code or}, {@code not}, parentheses, search
 * identifiers, and {@code 1 of x*}, {@code all of x*}, {@code N of them}. Precedence as Sigma
 * specifies: {@code not} binds tightest, then {@code and}, then {@code or}.
 */
sealed interface SigmaCondition {

    record And(List<SigmaCondition> items) implements SigmaCondition {}

    record Or(List<SigmaCondition> items) implements SigmaCondition {}

    record Not(SigmaCondition item) implements SigmaCondition {}

    record Search(String name) implements SigmaCondition {}

    /**
     * {@code N of pattern}: {@code count} 0 means {@code all}; {@code pattern} null means {@code
     * them}.
     */
    record Of(int count, String pattern) implements SigmaCondition {}

    /** Thrown with the reason a condition cannot be read. */
    final class ConditionException extends Exception {
        ConditionException(String message) {
            super(message);
        }
    }

    static SigmaCondition parse(String text) throws ConditionException {
        Parser p = new Parser(tokens(text));
        SigmaCondition c = p.or();
        if (p.pos < p.tokens.size()) {
            String t = p.tokens.get(p.pos);
            if (t.equals("|")) {
                throw new ConditionException(
                        "aggregation after '|' (count() by ..., near ...) is Sigma 1 syntax that"
                                + " Sigma 2 replaced with correlation rules");
            }
            throw new ConditionException("unexpected '" + t + "'");
        }
        return c;
    }

    private static List<String> tokens(String text) throws ConditionException {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '(' || c == ')' || c == '|') {
                out.add(String.valueOf(c));
                i++;
            } else {
                int s = i;
                while (i < text.length()
                        && !Character.isWhitespace(text.charAt(i))
                        && "()|".indexOf(text.charAt(i)) < 0) {
                    i++;
                }
                out.add(text.substring(s, i));
            }
        }
        if (out.isEmpty()) {
            throw new ConditionException("empty condition");
        }
        return out;
    }

    final class Parser {
        final List<String> tokens;
        int pos;
        int depth;

        Parser(List<String> tokens) {
            this.tokens = tokens;
        }

        private String peek() {
            return pos < tokens.size() ? tokens.get(pos) : null;
        }

        private boolean keyword(String k) {
            String t = peek();
            return t != null && t.toLowerCase(Locale.ROOT).equals(k);
        }

        SigmaCondition or() throws ConditionException {
            List<SigmaCondition> items = new ArrayList<>();
            items.add(and());
            while (keyword("or")) {
                pos++;
                items.add(and());
            }
            return items.size() == 1 ? items.get(0) : new Or(items);
        }

        SigmaCondition and() throws ConditionException {
            List<SigmaCondition> items = new ArrayList<>();
            items.add(not());
            while (keyword("and")) {
                pos++;
                items.add(not());
            }
            return items.size() == 1 ? items.get(0) : new And(items);
        }

        SigmaCondition not() throws ConditionException {
            if (keyword("not")) {
                pos++;
                return new Not(not());
            }
            return primary();
        }

        SigmaCondition primary() throws ConditionException {
            String t = peek();
            if (t == null) {
                throw new ConditionException("the condition ends where a search was expected");
            }
            if (t.equals("(")) {
                if (++depth > 50) {
                    throw new ConditionException("parentheses nested more than 50 deep");
                }
                pos++;
                SigmaCondition c = or();
                if (!")".equals(peek())) {
                    throw new ConditionException("missing ')'");
                }
                pos++;
                depth--;
                return c;
            }
            if (t.equals(")") || t.equals("|")) {
                throw new ConditionException("unexpected '" + t + "'");
            }
            String lower = t.toLowerCase(Locale.ROOT);
            if (pos + 1 < tokens.size()
                    && tokens.get(pos + 1).equalsIgnoreCase("of")
                    && (lower.equals("all") || lower.matches("[0-9]{1,3}"))) {
                pos += 2;
                String target = peek();
                if (target == null || "()|".contains(target)) {
                    throw new ConditionException("'" + t + " of' needs a search name or 'them'");
                }
                pos++;
                int n = lower.equals("all") ? 0 : Integer.parseInt(lower);
                if (!lower.equals("all") && n < 1) {
                    throw new ConditionException("'0 of' matches nothing");
                }
                return new Of(n, target.equalsIgnoreCase("them") ? null : target);
            }
            if (lower.equals("and") || lower.equals("or") || lower.equals("of")) {
                throw new ConditionException("'" + t + "' where a search was expected");
            }
            pos++;
            return new Search(t);
        }
    }
}
