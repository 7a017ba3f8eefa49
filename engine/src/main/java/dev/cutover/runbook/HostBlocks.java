package dev.cutover.runbook;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/** Reads the {@code hosts:} blocks of a runbook's {@code steps} (the schema has checked their shape). */
final class HostBlocks {
    private HostBlocks() {
    }

    static List<HostBlock> read(YamlTree tree, JsonNode steps, List<Problem> problems) {
        List<HostBlock> out = new ArrayList<>();
        if (!steps.isArray()) {
            return out;
        }
        int globals = 0;
        for (int i = 0; i < steps.size(); i++) {
            JsonNode b = steps.get(i);
            if (!b.isObject() || !b.has("hosts")) {
                globals++;
                continue;
            }
            String ptr = "/steps/" + i;
            List<String> hosts = new ArrayList<>();
            JsonNode h = b.get("hosts");
            if (h.isTextual()) {
                hosts.add(h.asText());
            } else if (h.isArray()) {
                h.forEach(x -> hosts.add(x.asText()));
            }
            String id = b.path("id").isTextual() ? b.get("id").asText() : "hosts-" + (out.size() + 1);
            out.add(new HostBlock(id, hosts, rolling(tree, b.path("rolling"), ptr + "/rolling", problems),
                    RunbookLoader.steps(tree, b.path("preflight"), ptr + "/preflight", Section.PREFLIGHT, problems),
                    RunbookLoader.steps(tree, b.path("steps"), ptr + "/steps", Section.STEPS, problems),
                    RunbookLoader.steps(tree, b.path("validate"), ptr + "/validate", Section.VALIDATE, problems),
                    globals, tree.at(ptr)));
        }
        return out;
    }

    private static int whole(JsonNode n, int dflt) {
        return n.isIntegralNumber() && n.canConvertToInt() ? Math.max(0, n.asInt()) : dflt;
    }

    private static Rolling rolling(YamlTree tree, JsonNode r, String ptr, List<Problem> problems) {
        Rolling d = Rolling.DEFAULT;
        if (!r.isObject()) {
            return d;
        }
        int batch = d.batch();
        int percent = 0;
        JsonNode b = r.path("batch");
        if (b.isIntegralNumber() && b.canConvertToInt() && b.asInt() >= 1) {
            batch = b.asInt();
        } else if (b.isTextual() && b.asText().matches("([1-9][0-9]?|100)%")) {
            percent = Integer.parseInt(b.asText().substring(0, b.asText().length() - 1));
        }
        int canary = whole(r.path("canary"), d.canary());
        int maxFailed = whole(r.path("max_failed"), d.maxFailed());
        if (r.path("pause").isTextual() && !dev.cutover.spi.Durations.isValid(r.get("pause").asText())
                && r.get("pause").asText().matches("([0-9]+(ms|s|m|h|d))+")) {
            problems.add(new Problem(tree.at(ptr + "/pause"), null, "'" + r.get("pause").asText()
                    + "' is too long a pause", "write at most a few hours, e.g. 30s or 5m"));
        }
        java.time.Duration pause = RunbookLoader.duration(r.path("pause"));
        boolean all = !"failed-batch".equals(r.path("rollback").asText("all"));
        return new Rolling(batch, percent, canary, maxFailed, pause, all);
    }
}
