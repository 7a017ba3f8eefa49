package dev.cutover.file;

import dev.cutover.spi.Host;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.Probeable;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Undoable;

import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code file.write}, {@code file.copy} and {@code file.restore} share: the file at {@code path} is
 * made to hold some bytes (and optionally a mode, owner and group), atomically, after a byte-exact backup;
 * already right is a no-op; {@code plan} shows a unified diff; the built-in undo restores the previous
 * bytes, mode and owner (or deletes a file that did not exist); the probe compares hashes.
 */
abstract class FileReplaceStep implements Undoable, Probeable {
    /** YAML reads an unquoted 0640 as a number (416 or 640, depending on the parser): refuse the guess. */
    static final String UNQUOTED_MODE = "input 'mode': write the mode quoted, as text (mode: \"0640\"); unquoted, "
            + "YAML reads it as a number and the mode would be a guess";

    /** The bytes the file should hold, and where they came from (for messages; never the bytes themselves). */
    record Desired(byte[] bytes, String from) {
    }

    /** The bytes this step writes, computed from its inputs; must not change anything. */
    abstract Desired desired(StepContext context) throws StepFailedException;

    /** This type's own inputs, before path, mode, owner and group. */
    abstract List<InputSpec> contentInputs();

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public final List<InputSpec> inputs() {
        List<InputSpec> all = new ArrayList<>();
        all.add(InputSpec.required("path", InputType.PATH, "the file to write, on the step's host"));
        all.addAll(contentInputs());
        all.add(InputSpec.optional("mode", InputType.STRING, null,
                "octal mode such as \"0640\"; default: an existing file keeps its mode, a new one gets 0600"));
        all.add(InputSpec.optional("owner", InputType.STRING, null, "owner to set (needs the right to chown)"));
        all.add(InputSpec.optional("group", InputType.STRING, null, "group to set"));
        return all;
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("path", "the file written"),
                OutputSpec.bool("changed", "false when the file already held these bytes, mode and owner"),
                OutputSpec.bool("created", "true when the file did not exist before"),
                OutputSpec.string("sha256_before", "SHA-256 of the file before the step (empty when it did not exist)"),
                OutputSpec.string("sha256_after", "SHA-256 of the file after the step"),
                OutputSpec.string("backup", "byte-exact copy taken before the change (empty when the file did not "
                        + "exist), for file.restore"),
                OutputSpec.string("mode", "the file's mode after the step, octal"));
    }

    @Override
    public List<String> checkLiterals(Map<String, Object> rawWith) {
        Object mode = rawWith.get("mode");
        if (mode instanceof Number) {
            return List.of(UNQUOTED_MODE);
        }
        if (mode != null && !mode.toString().contains("${")) {
            try {
                FileState.Modes.parse(mode.toString());
            } catch (IllegalArgumentException e) {
                return List.of("input 'mode': " + e.getMessage() + " (quote it in YAML: mode: \"0640\")");
            }
        }
        return List.of();
    }

    static String path(StepContext context) throws StepFailedException {
        return context.inputs().path("path").toString();
    }

    static Set<PosixFilePermission> mode(Inputs in) throws StepFailedException {
        Object raw = in.get("mode");
        if (raw == null) {
            return null;
        }
        if (raw instanceof Number) {
            throw new StepFailedException(UNQUOTED_MODE);
        }
        try {
            return FileState.Modes.parse(raw.toString());
        } catch (IllegalArgumentException e) {
            throw new StepFailedException("input 'mode': " + e.getMessage());
        }
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        String path = path(context);
        Host host = context.host();
        Desired desired = desired(context);
        Optional<Host.FileInfo> info = FileState.stat(host, path);
        byte[] current = info.isPresent() ? FileState.read(host, path) : null;
        List<String> changes = new ArrayList<>();
        if (current == null || !Arrays.equals(current, desired.bytes())) {
            changes.addAll(UnifiedDiff.of(path, current, desired.bytes(), context::mask).stream().map(context::mask).toList());
        }
        Set<PosixFilePermission> mode = mode(context.inputs());
        if (info.isPresent() && mode != null && !mode.equals(info.get().permissions())) {
            changes.add("~ mode " + FileState.Modes.format(info.get().permissions()) + " -> "
                    + FileState.Modes.format(mode));
        }
        String owner = context.inputs().optionalString("owner").orElse(null);
        String group = context.inputs().optionalString("group").orElse(null);
        if (owner != null && (info.isEmpty() || !owner.equals(info.get().owner()))) {
            changes.add("~ owner " + info.map(Host.FileInfo::owner).orElse("(new)") + " -> " + owner);
        }
        if (group != null && (info.isEmpty() || !group.equals(info.get().group()))) {
            changes.add("~ group " + info.map(Host.FileInfo::group).orElse("(new)") + " -> " + group);
        }
        if (changes.isEmpty()) {
            return Plan.of(path + " already holds " + desired.from() + " (nothing to do)");
        }
        return Plan.of((current == null ? "would create " : "would replace ") + path + " with " + desired.from()
                + (current == null ? "" : ", keeping a byte-exact backup"), changes);
    }

    @Override
    public Intent prepare(StepContext context) throws StepFailedException {
        Desired desired = desired(context);
        mode(context.inputs());
        Map<String, Object> data = new LinkedHashMap<>(FileState.snapshot(context, path(context)));
        data.put("new_sha256", dev.cutover.spi.AtomicFiles.sha256(desired.bytes()));
        return Intent.of(data);
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException {
        Inputs in = context.inputs();
        String path = path(context);
        Host host = context.host();
        Desired desired = desired(context);
        Set<PosixFilePermission> mode = mode(in);
        boolean existed = Boolean.TRUE.equals(intent.data().get("existed"));
        String before = existed ? String.valueOf(intent.data().get("backup_sha256")) : "";
        boolean sameBytes = existed && before.equals(dev.cutover.spi.AtomicFiles.sha256(desired.bytes()))
                && FileState.sha256(host, path).equals(before);
        if (!sameBytes) {
            FileState.write(host, path, desired.bytes(), mode);
        }
        boolean attributes = FileState.setAttributes(context, path, mode, in.optionalString("owner").orElse(null),
                in.optionalString("group").orElse(null));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", path);
        out.put("changed", !sameBytes || attributes);
        out.put("created", !existed);
        out.put("sha256_before", before);
        out.put("sha256_after", FileState.sha256(host, path));
        out.put("backup", existed ? String.valueOf(intent.data().get("backup")) : "");
        out.put("mode", FileState.stat(host, path).map(i -> FileState.Modes.format(i.permissions())).orElse(""));
        if (sameBytes && !attributes) {
            return StepResult.unchanged(path + " already holds " + desired.from(), out);
        }
        return StepResult.done(out, (existed ? "replaced " : "created ") + path + " with " + desired.from());
    }

    @Override
    public StepResult undo(StepContext context, Intent intent) throws StepFailedException {
        Map<String, Object> out = FileState.restore(context, intent.data());
        return StepResult.done(out, out.containsKey("deleted") ? "removed " + out.get("path") + ", which this step "
                + "had created" : "restored " + out.get("path") + " from " + out.get("restored_from"));
    }

    @Override
    public ProbeResult probe(StepContext context, Intent intent) {
        try {
            String path = String.valueOf(intent.data().get("path"));
            String now = FileState.sha256(context.host(), path);
            if (now.equals(intent.string("new_sha256"))) {
                return ProbeResult.DONE;
            }
            boolean existed = Boolean.TRUE.equals(intent.data().get("existed"));
            if (existed ? now.equals(intent.string("backup_sha256")) : now.isEmpty()) {
                return ProbeResult.NOT_DONE;
            }
            return ProbeResult.UNKNOWN;
        } catch (StepFailedException | RuntimeException e) {
            return ProbeResult.UNKNOWN;
        }
    }
}
