package dev.cutover.drift;

import java.util.List;

/**
 * The comparison of several environments' facts.
 *
 * @param environments the labels, in the order given
 * @param sources      where each environment's facts came from (run id or baseline file), same order
 * @param compared     how many facts were compared
 * @param differences  what differs, in runbook order
 * @param gaps         steps that could not gather facts; their facts are left out of the comparison
 * @param ignored      the key patterns that were ignored
 */
public record DriftReport(List<String> environments, List<String> sources, int compared,
                          List<Difference> differences, List<Gap> gaps, List<String> ignored) {

    /** 0 when everything that matters matches, 1 when something differs, 3 when facts are missing. */
    public int exitCode() {
        return !gaps.isEmpty() ? 3 : differences.isEmpty() ? 0 : 1;
    }
}
