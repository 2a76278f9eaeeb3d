package io.contrastream.job.evaluate;

import java.util.List;

/**
 * A configuration under evaluation: the model flags of {@code contrastream replay} it runs with
 * (every run adds its own {@code --seed}), the label of its rows, and a description for the report.
 *
 * @param label the name in tables, plots and CSV; not blank
 * @param flags model flags, as on the command line ({@code --optimizer sgd ...}); empty: the
 *     defaults
 * @param description what the flags make of the model (e.g. its {@code LearnerConfig}), for the
 *     report
 */
public record EvaluatedConfig(String label, List<String> flags, String description) {

    /** Copies the flags; checks the label. */
    public EvaluatedConfig {
        if (label == null || label.isBlank()) {
            throw new IllegalArgumentException("--label must not be blank");
        }
        flags = List.copyOf(flags);
    }
}
