package org.socengine.jobs.detection;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class HorizonFileLedgerTest {

    @Test
    void aFileGoesOnceAsManyNewerCheckpointsCompletedAsAreRetained() {
        HorizonFileLedger ledger = new HorizonFileLedger(2);
        ledger.checkpointed(1, List.of("a"));
        assertThat(ledger.completed(1)).isEmpty();
        ledger.checkpointed(2, List.of("a", "b"));
        assertThat(ledger.completed(2)).isEmpty();
        // "a" pruned: checkpoint 2 was the last to name it, and it waits to be deleted.
        assertThat(ledger.checkpointed(3, List.of("b"))).containsExactly("a");
        assertThat(ledger.completed(3)).as("checkpoint 2 is still retained").isEmpty();
        ledger.checkpointed(4, List.of("b"));
        assertThat(ledger.completed(4)).containsExactly("a");
        assertThat(ledger.checkpointed(5, List.of("b"))).isEmpty();
    }

    @Test
    void aFileStillNamedIsNeverDeleted() {
        HorizonFileLedger ledger = new HorizonFileLedger(1);
        for (long id = 1; id <= 5; id++) {
            ledger.checkpointed(id, List.of("live"));
            assertThat(ledger.completed(id)).isEmpty();
        }
        assertThat(ledger.tracked()).isEqualTo(1);
    }

    @Test
    void abortedCheckpointsAndSavepointsCountForNothing() {
        HorizonFileLedger ledger = new HorizonFileLedger(1);
        ledger.checkpointed(1, List.of("a"));
        ledger.checkpointed(2, List.of());
        ledger.aborted(2);
        assertThat(ledger.completed(2)).as("aborted").isEmpty();
        // Checkpoint 3 was a savepoint: the operator never called checkpointed(3).
        assertThat(ledger.completed(3)).isEmpty();
        ledger.checkpointed(4, List.of());
        assertThat(ledger.completed(4)).containsExactly("a");
    }

    @Test
    void aSkippedNotificationDelaysButNeverHastens() {
        HorizonFileLedger ledger = new HorizonFileLedger(2);
        ledger.checkpointed(1, List.of("a"));
        ledger.checkpointed(2, List.of());
        ledger.checkpointed(3, List.of());
        // Only 3's completion is told: 2 is counted as not completed, 3 alone is not two.
        assertThat(ledger.completed(3)).isEmpty();
        // 2 was subsumed by 3 and a late notification of it does not count.
        assertThat(ledger.completed(2)).isEmpty();
        ledger.checkpointed(4, List.of());
        assertThat(ledger.completed(4)).containsExactly("a");
    }

    @Test
    void restoredFilesGoAfterRetainedCheckpointsOfTheRestoredJob() {
        HorizonFileLedger ledger = new HorizonFileLedger(2);
        ledger.restored("old");
        assertThat(ledger.checkpointed(11, List.of("new"))).containsExactly("old");
        assertThat(ledger.completed(11)).isEmpty();
        ledger.checkpointed(12, List.of("new"));
        assertThat(ledger.completed(12)).containsExactly("old");
    }

    @Test
    void onlyTheJobsOwnTaskOwnedFilesAreItsToDelete() {
        String job = "0123456789abcdef0123456789abcdef";
        assertThat(HorizonFileRef.ofJob("file:/cp/" + job + "/taskowned/f1", job)).isTrue();
        assertThat(HorizonFileRef.ofJob("s3://b/cp/" + job + "/taskowned/f1", job)).isTrue();
        assertThat(
                        HorizonFileRef.ofJob(
                                "file:/cp/fedcba98765432100123456789abcdef/taskowned/f1", job))
                .as("another job's checkpoint")
                .isFalse();
        assertThat(HorizonFileRef.ofJob("file:/cp/" + job + "/shared/f1", job)).isFalse();
        assertThat(HorizonFileRef.ofJob("file:/f1", job)).isFalse();
    }

    @Test
    void referencesSurviveTheirEncoding() {
        HorizonFileRef ref = new HorizonFileRef("file:/cp/j/taskowned/x", 123, 456, -7, 3);
        assertThat(HorizonFileRef.isRef(ref.encode())).isTrue();
        assertThat(HorizonFileRef.decode(ref.encode())).isEqualTo(ref);
        HorizonFileRef gone = HorizonFileRef.toDelete("file:/cp/j/taskowned/y", 1);
        assertThat(HorizonFileRef.decode(gone.encode())).isEqualTo(gone);
        assertThat(gone.segment()).isFalse();
        assertThat(HorizonFileRef.isRef(new byte[] {3, 0})).isFalse();
    }
}
