package dev.vapostream.model.task;

/**
 * Difficulty classes of a built-in task by number of terms: its term range cut into thirds
 * (running-sum 2-4, 5-7, 8-10; blind-spots 2-6, 7-11, 12-16). The reference solution has one
 * line per term after the first, so length and difficulty grow together.
 */
public enum LengthBucket {
    SHORT,
    MEDIUM,
    LONG;

    public static LengthBucket of(BuiltInTask task, int terms) {
        if (terms < task.minTerms() || terms > task.maxTerms()) {
            throw new IllegalArgumentException("task " + task.id() + " has no problem of " + terms + " terms");
        }
        int span = task.maxTerms() - task.minTerms() + 1;
        return values()[Math.min(2, 3 * (terms - task.minTerms()) / span)];
    }

    /** The smallest term count of this bucket in {@code task}. */
    public int minTerms(BuiltInTask task) {
        int terms = task.minTerms();
        while (of(task, terms) != this) {
            terms++;
        }
        return terms;
    }

    /** The largest term count of this bucket in {@code task}. */
    public int maxTerms(BuiltInTask task) {
        int terms = task.maxTerms();
        while (of(task, terms) != this) {
            terms--;
        }
        return terms;
    }
}
