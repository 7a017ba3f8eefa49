package dev.cutover.run;

import dev.cutover.secrets.Masker;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.StepContext;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/** The engine's {@link StepContext}. */
record RunStepContext(String stepId, Inputs inputs, Path runDirectory, String runId, Optional<Duration> timeout,
                      boolean dryRun, RunListener listener, Masker masker) implements StepContext {

    @Override
    public void note(String message) {
        listener.note(stepId, masker.mask(message));
    }

    @Override
    public String mask(String text) {
        return masker.mask(text);
    }
}
