package dev.cutover.cli;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The options declared once in {@link SharedOptions} keep each command's own help text. */
class SharedOptionsTest {
    private static String help(String command) {
        CliRun r = CliRun.of(command, "--help");
        assertEquals(0, r.exit(), r.all());
        return r.out().replaceAll("\\s+", " ");
    }

    @Test
    void everyCommandShowsItsOwnDescriptionOfASharedOption() {
        ResourceBundle bundle = ResourceBundle.getBundle("dev.cutover.cli.Options");
        List<String> missing = new ArrayList<>();
        for (String key : bundle.keySet()) {
            String[] parts = key.split("\\.", 3);
            assertEquals("cutover", parts[0], key);
            assertTrue(CutoverCli.commandNames().contains(parts[1]), key + ": no such command");
            String option = parts[2].equals("yes") ? "-y, --yes" : "--" + parts[2];
            String h = help(parts[1]);
            if (!h.contains(option) || !h.contains(bundle.getString(key).replaceAll("\\s+", " "))) {
                missing.add(key + " (" + bundle.getString(key) + ")");
            }
        }
        assertTrue(bundle.keySet().size() >= 15, bundle.keySet().toString());
        assertEquals(List.of(), missing);
    }

    @Test
    void theSameOptionReadsDifferentlyWhereTheCommandsDiffer() {
        assertTrue(help("run").contains("--operator=<operator> Who runs the change (default: the OS user)."));
        assertTrue(help("resume").contains("--operator=<operator> Who resumes (default: the OS user)."));
        assertTrue(help("rollback").contains("-y, --yes Do not ask for confirmation. "));
        assertTrue(help("run").contains("--sign-key=FILE Seal the run's journal with this Ed25519 private key "
                + "(cutover keygen); default: $CUTOVER_SIGN_KEY."));
    }
}
