package dev.cutover.runbook;

import java.nio.file.Path;

/**
 * A place in a source file, 1-based.
 *
 * @param file   may be null for built-in or generated input
 * @param line   1-based line, 0 when unknown
 * @param column 1-based column, 0 when unknown
 */
public record Location(Path file, int line, int column) {

    public static Location unknown(Path file) {
        return new Location(file, 0, 0);
    }

    @Override
    public String toString() {
        String f = file == null ? "<input>" : file.toString();
        return line <= 0 ? f : f + ":" + line + ":" + column;
    }
}
