package dev.cutover.drift;

import java.util.List;
import java.util.Map;

/**
 * The facts gathered in one environment: every preflight step and every {@code fact: true} step, by id.
 *
 * @param name   the environment's label ({@code --env} name, file name, or {@code baseline})
 * @param source where the facts came from: a run id, or a baseline file and when it was captured
 * @param steps  by step id, in runbook order
 */
public record EnvironmentFacts(String name, String source, Map<String, StepFact> steps) {

    /** The steps that could not gather facts here (failed without any output). */
    public List<StepFact> gaps() {
        return steps.values().stream().filter(s -> !s.gathered()).toList();
    }
}
