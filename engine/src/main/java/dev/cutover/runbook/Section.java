package dev.cutover.runbook;

import java.util.Locale;

/** The sections of a runbook, in the order they run. */
public enum Section {
    PREFLIGHT, STEPS, VALIDATE, ROLLBACK;

    /** The key used in runbooks and the journal. */
    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether only read-only steps may appear here. */
    public boolean readOnly() {
        return this == PREFLIGHT || this == VALIDATE;
    }
}
