package dev.cutover.lint;

import dev.cutover.plugin.StepTypeRegistry;
import dev.cutover.runbook.Location;
import dev.cutover.runbook.RetryPolicy;
import dev.cutover.runbook.Runbook;
import dev.cutover.runbook.Section;
import dev.cutover.runbook.StepDef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RemovalsTest {
    private static final Removals REMOVALS = new Removals(new LintScope(new Runbook("r", "", Map.of(), List.of(),
            List.of(), List.of(), List.of(), null, "0"), new StepTypeRegistry(List.of(
            dev.cutover.testing.FakeStepTypes.change("shell.exec", List.of(), java.util.Set.of("runs:argv"), false))), Map.of("dir", "/srv/app"),
            Map.of()));

    private static StepDef exec(Map<String, Object> with) {
        return new StepDef("s", "shell.exec", "", with, null, RetryPolicy.NONE, null, null, null, null, false,
                Section.STEPS, Location.unknown(null));
    }

    @Test
    void readsRemovedPathsFromArgvWithParamsResolved() {
        assertEquals(List.of("/srv/app/a.bak", "/srv/app/b.bak"),
                REMOVALS.removedBy(exec(Map.of("command", List.of("rm", "-f", "${params.dir}/a.bak", "${params.dir}/b.bak")))));
        assertEquals(List.of("/srv/app/x"), REMOVALS.removedBy(exec(Map.of("command", List.of("/bin/mv", "${params.dir}/x",
                "/tmp/y")))));
        assertEquals(List.of(), REMOVALS.removedBy(exec(Map.of("command", List.of("cp", "/a", "/b")))));
    }

    @Test
    void readsRemovedPathsFromAShellScriptExpandingTheStepsEnv() {
        StepDef s = exec(Map.of("command", List.of("sh", "-c", "echo hi && rm -rf \"$D\"/*.bak; ls"),
                "env", Map.of("D", "${params.dir}")));
        assertEquals(List.of("/srv/app/*.bak"), REMOVALS.removedBy(s));
    }

    @Test
    void anUndoNeedsTheSourceOfACopyButNotItsDestination() {
        assertEquals(List.of("/srv/app/app.conf.bak"), REMOVALS.neededBy("shell.exec",
                Map.of("command", List.of("cp", "-p", "${params.dir}/app.conf.bak", "${params.dir}/app.conf"))));
    }

    @Test
    void aRemovedDirectoryOrGlobCoversWhatIsInside() {
        assertTrue(Removals.covers("/srv/app", "/srv/app/app.conf.bak"));
        assertTrue(Removals.covers("/srv/app/*.bak", "/srv/app/app.conf.bak"));
        assertFalse(Removals.covers("/srv/app/*.bak", "/srv/app/sub/app.conf.bak.old"));
        assertFalse(Removals.covers("/srv/ap", "/srv/app/app.conf.bak"));
        assertFalse(Removals.covers("/srv/app/app.conf", "/srv/app/app.conf.bak"));
    }
}
