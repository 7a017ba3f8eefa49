package dev.cutover.lint;

import dev.cutover.runbook.Location;

import java.util.List;

/**
 * One change-safety finding in a runbook: a pattern that has caused outages, named by a stable id
 * that {@code cutover validate --allow ID} accepts.
 *
 * @param id       the lint's stable id, such as {@code restart-after-truststore-change}
 * @param location where the first step involved is declared; never null
 * @param stepIds  the steps involved, in runbook order; never empty
 * @param risk     what can go wrong, in one sentence
 * @param fix      how to fix the runbook
 */
public record Lint(String id, Location location, List<String> stepIds, String risk, String fix) {

    public Lint {
        stepIds = List.copyOf(stepIds);
    }

    /** The operator line: {@code file:line:col: lint ID: steps 'a', 'b': risk -> fix}. */
    public String render() {
        return location + ": lint " + id + ": " + (stepIds.size() == 1 ? "step " : "steps ")
                + String.join(", ", stepIds.stream().map(s -> "'" + s + "'").toList()) + ": " + risk + " -> " + fix;
    }
}
