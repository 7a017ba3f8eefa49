package dev.cutover.runbook;

import java.time.Duration;
import java.util.Map;

/**
 * A step's explicit compensation ({@code undo: {uses, with, timeout}}).
 *
 * @param uses     the step type
 * @param with     raw inputs (interpolated when run)
 * @param timeout  may be null
 * @param location where it is declared
 */
public record UndoDef(String uses, Map<String, Object> with, Duration timeout, Location location) {
}
