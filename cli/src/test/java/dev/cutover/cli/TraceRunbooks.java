package dev.cutover.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes test runbooks whose every step appends a line to a trace file, so tests can assert the
 * exact order of what ran, including undo.
 */
final class TraceRunbooks {
    private TraceRunbooks() {
    }

    /** A step (in YAML) that appends {@code word} to the trace and exits with {@code exit}. */
    static String traceCommand(String word, int exit) {
        return "[sh, -c, 'echo " + word + " >> \"$TRACE\"; exit " + exit + "']";
    }

    static String step(String id, String word, int exit, String extra) {
        return "  - id: " + id + "\n    uses: shell.exec\n    with:\n      command: " + traceCommand(word, exit)
                + "\n      env: { TRACE: \"${params.trace}\" }\n" + (extra == null ? "" : extra);
    }

    static String undo(String word, int exit) {
        return "    undo:\n      uses: shell.exec\n      with:\n        command: " + traceCommand(word, exit)
                + "\n        env: { TRACE: \"${params.trace}\" }\n";
    }

    static String check(String id, String word, int exit) {
        return step(id, word, exit, null).replace("      env:", "      readonly: true\n      env:");
    }

    /** A read-only check that is also a health check: it runs again after a rollback ({@code revalidate: true}). */
    static String healthCheck(String id, String word, int exit) {
        return check(id, word, exit) + "    revalidate: true\n";
    }

    static String header() {
        return "apiVersion: cutover/v1\nname: trace\ndescription: test\nparams:\n"
                + "  trace: { type: path, required: true }\n";
    }

    static Path write(Path dir, String name, String yaml) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, yaml);
        return p;
    }

    static List<String> trace(Path file) throws IOException {
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
