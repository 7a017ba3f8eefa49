package dev.cutover.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** Writes the runbook parameter files ({@code environments/*.yaml}): plain values, never secrets. */
final class EnvironmentFiles {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS));

    private EnvironmentFiles() {
    }

    static Path write(Path file, String comment, Map<String, Object> params) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String line : comment.split("\n")) {
            sb.append("# ").append(line).append('\n');
        }
        sb.append(YAML.writeValueAsString(params));
        return DemoFiles.write(file, sb.toString(), false);
    }
}
