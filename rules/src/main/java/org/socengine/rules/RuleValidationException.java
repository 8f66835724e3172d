package org.socengine.rules;

import java.util.List;
import java.util.stream.Collectors;

/** A rule was refused; carries every problem found, not only the first. */
public class RuleValidationException extends Exception {

    private final List<RuleProblem> problems;

    public RuleValidationException(List<RuleProblem> problems) {
        super(problems.stream().map(RuleProblem::toString).collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    public RuleValidationException(RuleProblem problem) {
        this(List.of(problem));
    }

    public List<RuleProblem> problems() {
        return problems;
    }
}
