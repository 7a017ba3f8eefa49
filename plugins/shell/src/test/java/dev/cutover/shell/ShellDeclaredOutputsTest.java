package dev.cutover.shell;

import dev.cutover.testkit.DeclaredOutputs;
import dev.cutover.testkit.StepTestKit;
import org.junit.jupiter.api.Test;

import java.util.List;

/** shell.exec and wait.sleep run for real: what they output is exactly what they declare. */
class ShellDeclaredOutputsTest {

    @Test
    void shellExecOutputsWhatItDeclaresWithAndWithoutParsingJson() throws Exception {
        ShellExecStep type = new ShellExecStep();
        DeclaredOutputs.assertMatch(type, StepTestKit.of(type).with("command", List.of("echo", "hello")).apply(),
                "json", "stopped_leftovers");
        DeclaredOutputs.assertMatch(type, StepTestKit.of(type).with("command", List.of("echo", "{\"version\": 2}"))
                .with("parse", "json").apply(), "stopped_leftovers");
        DeclaredOutputs.assertMatch(type, StepTestKit.of(type).stepId("leaves-one").with("command",
                List.of("sh", "-c", "sleep 30 >/dev/null 2>&1 & echo started")).apply(), "json");
    }

    @Test
    void waitSleepOutputsWhatItDeclares() throws Exception {
        SleepStep type = new SleepStep();
        DeclaredOutputs.assertMatch(type, StepTestKit.of(type).with("duration", "1ms").apply());
    }
}
