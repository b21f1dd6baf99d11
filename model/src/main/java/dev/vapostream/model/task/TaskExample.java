package dev.vapostream.model.task;

/**
 * One dataset record, the pipeline's task-agnostic format ({@code {id, prompt, answer}} in JSONL).
 *
 * @param id unique within a dataset
 * @param prompt the text the policy is given
 * @param answer the exact ground-truth final answer, an integer string (-?[0-9]+)
 */
public record TaskExample(String id, String prompt, String answer) {

    public TaskExample {
        if (id == null || id.isEmpty()) {
            throw new IllegalArgumentException("id must not be empty");
        }
        if (prompt == null) {
            throw new IllegalArgumentException(id + ": prompt is missing");
        }
        if (answer == null || !FinalAnswer.INTEGER.matcher(answer).matches()) {
            throw new IllegalArgumentException(id + ": answer must match -?[0-9]+, was " + answer);
        }
    }
}
