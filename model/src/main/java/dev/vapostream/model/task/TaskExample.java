package dev.vapostream.model.task;

import dev.vapostream.answer.FinalAnswer;
import java.util.ArrayList;
import java.util.List;

/**
 * One dataset record, the pipeline's task-agnostic format ({@code {id, prompt, answer}} in JSONL,
 * with optional {@code tags}).
 *
 * @param id unique within a dataset
 * @param prompt the text the policy is given
 * @param answer the exact ground-truth final answer, an integer string (-?[0-9]+)
 * @param tags labels for reporting, e.g. {@code hard} for a problem the base policy almost never solves
 */
public record TaskExample(String id, String prompt, String answer, List<String> tags) {

    public TaskExample {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("id must not be empty");
        }
        if (prompt == null) {
            throw new IllegalArgumentException(id + ": prompt is missing");
        }
        if (answer == null || !FinalAnswer.isInteger(answer)) {
            throw new IllegalArgumentException(id + ": answer must match -?[0-9]+, was " + answer);
        }
        tags = List.copyOf(tags);
    }

    public TaskExample(String id, String prompt, String answer) {
        this(id, prompt, answer, List.of());
    }

    public boolean hasTag(String tag) {
        return tags.contains(tag);
    }

    public TaskExample withTag(String tag) {
        List<String> more = new ArrayList<>(tags);
        more.add(tag);
        return new TaskExample(id, prompt, answer, more);
    }
}
