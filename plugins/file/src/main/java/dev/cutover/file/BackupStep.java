package dev.cutover.file;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.spi.Host;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.Intent;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.Probeable;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Undoable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code file.backup}: a byte-exact copy (mode 0600) of a file on the step's host, with its SHA-256. */
public final class BackupStep implements Undoable, Probeable {

    @Override
    public String id() {
        return "file.backup";
    }

    @Override
    public java.util.Set<String> traits() {
        return java.util.Set.of(dev.cutover.spi.Traits.HOST_FILES);
    }

    @Override
    public String description() {
        return "Copy a file byte for byte to a backup (mode 0600) and output its path and SHA-256, for file.restore.";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.required("path", InputType.PATH, "the file to back up, on the step's host"),
                InputSpec.optional("destination", InputType.PATH, null,
                        "where to write the copy (must not exist); default <run dir>/backups/<step id>/<file name>"));
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("path", "the file copied"),
                OutputSpec.string("backup", "the copy, for file.restore"),
                OutputSpec.string("sha256", "SHA-256 of the copy, for file.restore's sha256"),
                OutputSpec.integer("size", "size of the copy in bytes"));
    }

    private static String destination(StepContext context, String path) throws StepFailedException {
        return context.inputs().has("destination") ? context.inputs().path("destination").toString()
                : FileState.backupPath(context, path);
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        String path = FileReplaceStep.path(context);
        return Plan.of("would copy " + path + " to " + destination(context, path));
    }

    @Override
    public Intent prepare(StepContext context) throws StepFailedException {
        Host host = context.host();
        String path = FileReplaceStep.path(context);
        String dest = destination(context, path);
        if (FileState.stat(host, path).filter(i -> !i.directory()).isEmpty()) {
            throw new StepFailedException("input 'path': " + path + " does not exist on " + host.name()
                    + "; nothing to back up");
        }
        if (FileState.stat(host, dest).isPresent()) {
            throw new StepFailedException("input 'destination': " + dest + " already exists; a backup never "
                    + "overwrites a file, choose another path");
        }
        byte[] bytes = FileState.read(host, path);
        try {
            if (host.isLocal()) {
                Files.createDirectories(Path.of(dest).toAbsolutePath().getParent());
            }
            host.replace(dest, bytes, AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            throw new StepFailedException("cannot copy " + path + " to " + dest + ": " + FileState.Messages.of(e));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("path", path);
        data.put("backup", dest);
        data.put("backup_sha256", AtomicFiles.sha256(bytes));
        data.put("size", (long) bytes.length);
        return Intent.of(data);
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException {
        String backup = intent.string("backup");
        String hash = FileState.sha256(context.host(), backup);
        if (!hash.equals(intent.string("backup_sha256"))) {
            throw new StepFailedException("backup " + backup + " changed after it was written; run the step again");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("path", intent.string("path"));
        out.put("backup", backup);
        out.put("sha256", hash);
        out.put("size", ((Number) intent.data().get("size")).longValue());
        return StepResult.done(out, "backed up " + intent.string("path") + " to " + backup);
    }

    /** A backup is evidence: undo keeps it and changes nothing. */
    @Override
    public StepResult undo(StepContext context, Intent intent) {
        return StepResult.unchanged("backup " + intent.string("backup") + " is kept",
                Map.of("backup", String.valueOf(intent.string("backup"))));
    }

    @Override
    public ProbeResult probe(StepContext context, Intent intent) {
        try {
            return FileState.sha256(context.host(), intent.string("backup")).equals(intent.string("backup_sha256"))
                    ? ProbeResult.DONE : ProbeResult.NOT_DONE;
        } catch (StepFailedException | RuntimeException e) {
            return ProbeResult.UNKNOWN;
        }
    }
}
