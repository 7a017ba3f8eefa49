package dev.cutover.spi;

/**
 * A probe's answer after a crash: did a step whose outcome was never journaled take effect?
 *
 * @since 0.1
 */
public enum ProbeResult {
    DONE, NOT_DONE, UNKNOWN
}
