package org.socengine.rules.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.socengine.model.Alert;

/**
 * After a restore at another parallelism a detector gets the engine state of every subtask it
 * replaces: each group's suppression from the subtask that held it, and the alert budget each hour
 * spent over all of them.
 */
class EngineStateMergeTest {

    private static final long HOUR = 1_795_852_800_000L; // 2026-11-24T08:00:00Z

    private static Alert alert(String rule, String department, long t) {
        Alert a = new Alert();
        a.ruleId = rule;
        a.ruleName = rule;
        a.departmentId = department;
        a.timestamp = t;
        return a;
    }

    @Test
    void suppressionsOfEverySubtaskAndTheOneThatLastsLongerWhenTwoHoldAGroup() {
        DetectionEngine.State a = new DetectionEngine.State();
        a.suppressions.put(
                "brute|10.20.7.5", new DetectionEngine.Suppression(HOUR + 600_000, 4, "x"));
        a.suppressions.put(
                "spray|10.20.7.9", new DetectionEngine.Suppression(HOUR + 300_000, 1, "y"));
        DetectionEngine.State b = new DetectionEngine.State();
        b.suppressions.put(
                "brute|10.20.7.6", new DetectionEngine.Suppression(HOUR + 600_000, 2, "z"));
        // A stale copy of a group another restore left with both: the longer-lasting one counts.
        b.suppressions.put(
                "spray|10.20.7.9", new DetectionEngine.Suppression(HOUR + 900_000, 7, "y"));

        a.mergeFrom(b);

        assertThat(a.suppressions)
                .containsOnlyKeys("brute|10.20.7.5", "brute|10.20.7.6", "spray|10.20.7.9");
        assertThat(a.suppressions.get("spray|10.20.7.9").repeats).isEqualTo(7);
        assertThat(a.suppressions.get("brute|10.20.7.5").repeats).isEqualTo(4);
    }

    @Test
    void theBudgetOfAnHourIsWhatEverySubtaskSpentInIt() {
        AlertBudget one = new AlertBudget(3);
        AlertBudget two = new AlertBudget(3);
        one.admit(alert("brute", "ubnd-h-quangxuong", HOUR + 1_000));
        one.admit(alert("brute", "ubnd-h-quangxuong", HOUR + 2_000));
        two.admit(alert("brute", "ubnd-h-quangxuong", HOUR + 3_000));
        two.admit(alert("brute", "so-yt", HOUR + 3_000));

        DetectionEngine.State a = new DetectionEngine.State();
        a.budget = one;
        DetectionEngine.State b = new DetectionEngine.State();
        b.budget = two;
        a.mergeFrom(b);

        // Three spent by the district office over both subtasks: the fourth is over the budget
        // (the meta-alert), the fifth throttled; the other department has two left.
        assertThat(a.budget.admit(alert("brute", "ubnd-h-quangxuong", HOUR + 4_000)).meta).isTrue();
        assertThat(a.budget.admit(alert("brute", "ubnd-h-quangxuong", HOUR + 5_000))).isNull();
        assertThat(a.budget.admit(alert("brute", "so-yt", HOUR + 5_000)).meta).isFalse();
    }
}
