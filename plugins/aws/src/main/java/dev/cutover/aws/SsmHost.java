package dev.cutover.aws;

import dev.cutover.spi.Durations;
import dev.cutover.spi.Host;
import dev.cutover.spi.HostSpec;
import dev.cutover.spi.ShellWords;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetCommandInvocationResponse;
import software.amazon.awssdk.services.ssm.model.InvocationDoesNotExistException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.PosixFilePermission;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A fleet host reached through AWS Systems Manager ({@code transport: ssm}): each command is one SendCommand
 * of {@code AWS-RunShellScript} to the instance, waited for with GetCommandInvocation. Only commands run
 * here: the file operations need SSH. A command carrying input or environment variables is refused before
 * anything is sent, because SSM keeps a command's parameters in its history (console, CloudTrail).
 */
final class SsmHost implements Host {
    /** AWS-RunShellScript's output as GetCommandInvocation returns it is cut after this many characters. */
    static final int INLINE_OUTPUT_LIMIT = 24_000;
    static final String DOCUMENT = "AWS-RunShellScript";
    /** The longest executionTimeout AWS-RunShellScript accepts (48 hours), for commands without a timeout. */
    static final long MAX_EXECUTION_SECONDS = 172_800;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final HostSpec spec;
    private final SsmClient ssm;
    private final String where;
    private final Duration poll;
    private final Duration maxPoll;

    SsmHost(HostSpec spec, SsmClient ssm, String where, Duration poll, Duration maxPoll) {
        this.spec = spec;
        this.ssm = ssm;
        this.where = where;
        this.poll = poll;
        this.maxPoll = maxPoll;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public boolean isLocal() {
        return false;
    }

    @Override
    public Map<String, String> values() {
        return spec.values();
    }

    /** The instance id. */
    String instanceId() {
        return spec.address();
    }

    @Override
    public Exec run(Command command) throws IOException, InterruptedException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedException("stopped before '" + command.argv().get(0) + "' was sent to " + name());
        }
        refuseSecrets(command);
        String nonce = "cutover-end-" + HexFormat.of().formatHex(bytes());
        List<String> script = script(command, nonce);
        String commandId = send(command, script);
        Instant until = command.timeout() == null ? null : Instant.now().plus(command.timeout());
        SsmWait.Outcome<Invocation> waited;
        try {
            waited = SsmWait.until(() -> invocation(commandId), i -> SsmWait.FINISHED.contains(i.status()), poll,
                    maxPoll, until);
        } catch (InterruptedException e) {
            String failed = SsmWait.cancel(ssm, commandId);
            throw new InterruptedException("stopped while '" + command.argv().get(0) + "' ran on " + name() + "; "
                    + (failed == null ? "cancelled SSM command " + commandId : "could not cancel SSM command "
                    + commandId + ": " + failed));
        }
        Invocation inv = waited.last();
        if (!waited.finished()) {
            String failed = SsmWait.cancel(ssm, commandId);
            Output out = Output.of(inv.stdout(), nonce);
            Output err = Output.of(inv.stderr(), nonce);
            String note = "\n[cutover] '" + command.argv().get(0) + "' ran past its timeout of "
                    + Durations.format(command.timeout()) + " on " + name() + " (" + instanceId() + "); "
                    + (failed == null ? "sent CancelCommand for SSM command " + commandId
                    : "could not cancel SSM command " + commandId + ": " + failed) + "\n";
            return new Exec(-1, out.bytes(), (err.text() + out.truncationNote("stdout")
                    + err.truncationNote("stderr") + note).getBytes(StandardCharsets.UTF_8), true);
        }
        return finished(command, commandId, inv, nonce);
    }

    private Exec finished(Command command, String commandId, Invocation inv, String nonce) throws IOException {
        String details = inv.details() == null ? "" : inv.details();
        if (details.equals("Undeliverable") || details.equals("DeliveryTimedOut") || details.equals("Terminated")
                || details.equals("InvalidPlatform") || details.equals("AccessDenied")) {
            throw new IOException("SSM could not run '" + command.argv().get(0) + "' on " + name() + " ("
                    + instanceId() + "): command " + commandId + " ended " + inv.status() + " (" + details
                    + "); check that the instance is running and its SSM agent online");
        }
        Output out = Output.of(inv.stdout(), nonce);
        Output err = Output.of(inv.stderr(), nonce);
        String notes = out.truncationNote("stdout") + err.truncationNote("stderr");
        boolean timedOut = inv.status().equals("TimedOut") || details.equals("ExecutionTimedOut");
        int code = inv.status().equals("Success") ? 0 : inv.responseCode();
        if (timedOut) {
            notes += "\n[cutover] SSM stopped the command at its executionTimeout (command " + commandId + ")\n";
            code = -1;
        } else if (inv.status().equals("Cancelled")) {
            notes += "\n[cutover] SSM command " + commandId + " was cancelled outside this step\n";
            code = -1;
        }
        byte[] stderr = notes.isEmpty() ? err.bytes() : (err.text() + notes).getBytes(StandardCharsets.UTF_8);
        return new Exec(code, out.bytes(), stderr, timedOut);
    }

    private static byte[] bytes() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return b;
    }

    private void refuseSecrets(Command command) throws IOException {
        List<String> carried = new ArrayList<>();
        if (command.stdin().length > 0) {
            carried.add("input on stdin");
        }
        if (!command.environment().isEmpty()) {
            carried.add("environment variables " + String.join(", ", new TreeSet<>(command.environment().keySet())));
        }
        if (!carried.isEmpty()) {
            throw new IOException("refused to send '" + command.argv().get(0) + "' to " + name() + " (transport ssm): "
                    + "it carries " + String.join(" and ", carried) + ", and SSM keeps every command's parameters in "
                    + "its history (SSM console, CloudTrail), where they would be readable; nothing was sent. Reach "
                    + "this host over SSH (transport: ssh) for this step, or have the command read its secret on the "
                    + "host (from a file or Secrets Manager) instead of passing it in 'env:' or 'stdin:'");
        }
    }

    /**
     * The AWS-RunShellScript lines: the tag exported, the directory entered, the argv quoted word by word (its
     * stdin empty), then an end marker on stdout and on stderr, each after a newline of its own: when SSM cut
     * the output, the marker is missing.
     */
    static List<String> script(Command command, String nonce) {
        List<String> lines = new ArrayList<>();
        lines.add("export CUTOVER_STEP_TAG=" + ShellWords.quote(command.tag() == null ? "" : command.tag()));
        if (command.directory() != null) {
            String d = ShellWords.quote(command.directory());
            lines.add("cd -- " + d + " || { echo \"cutover: cannot enter the working directory \"" + d
                    + " >&2; printf '\\n%s\\n' " + nonce + "; printf '\\n%s\\n' " + nonce + " >&2; exit 1; }");
        }
        lines.add(ShellWords.join(command.argv()) + " </dev/null");
        lines.add("cutover_rc=$?");
        lines.add("printf '\\n%s\\n' " + nonce);
        lines.add("printf '\\n%s\\n' " + nonce + " >&2");
        lines.add("exit \"$cutover_rc\"");
        return lines;
    }

    private String send(Command command, List<String> script) throws IOException {
        long seconds = command.timeout() == null ? MAX_EXECUTION_SECONDS
                : Math.min(MAX_EXECUTION_SECONDS, Math.max(1, (command.timeout().toMillis() + 999) / 1000));
        String comment = ("cutover " + (command.tag() == null ? "" : command.tag()) + " on " + name());
        try {
            return ssm.sendCommand(r -> r.documentName(DOCUMENT).instanceIds(instanceId())
                    .parameters(Map.of("commands", script, "executionTimeout", List.of(Long.toString(seconds))))
                    .comment(comment.length() > 100 ? comment.substring(0, 100) : comment)).command().commandId();
        } catch (SdkException e) {
            throw new IOException(AwsErrors.message("ssm:SendCommand", DOCUMENT + " to " + instanceId() + " ("
                    + name() + ", " + where + ")", e));
        }
    }

    /** One invocation's state; Pending while SSM does not know it yet. */
    record Invocation(String status, String details, int responseCode, String stdout, String stderr) {
    }

    private Invocation invocation(String commandId) throws IOException {
        try {
            GetCommandInvocationResponse r = ssm.getCommandInvocation(b -> b.commandId(commandId)
                    .instanceId(instanceId()));
            return new Invocation(r.statusAsString(), r.statusDetails(),
                    r.responseCode() == null ? -1 : r.responseCode(),
                    r.standardOutputContent() == null ? "" : r.standardOutputContent(),
                    r.standardErrorContent() == null ? "" : r.standardErrorContent());
        } catch (InvocationDoesNotExistException e) {
            return new Invocation("Pending", "Pending", -1, "", "");
        } catch (SdkException e) {
            throw new IOException(AwsErrors.message("ssm:GetCommandInvocation", "command " + commandId + " on "
                    + instanceId() + " (" + name() + ")", e));
        }
    }

    /** A stream as SSM returned it: the marker stripped when present; cut (by SSM) when it is missing. */
    record Output(String text, boolean complete) {
        static Output of(String raw, String nonce) {
            String marker = "\n" + nonce + "\n";
            if (raw.endsWith(marker)) {
                return new Output(raw.substring(0, raw.length() - marker.length()), true);
            }
            // SSM may drop the final newline of an output
            if (raw.endsWith("\n" + nonce)) {
                return new Output(raw.substring(0, raw.length() - nonce.length() - 1), true);
            }
            return new Output(raw, false);
        }

        byte[] bytes() {
            return text.getBytes(StandardCharsets.UTF_8);
        }

        String truncationNote(String stream) {
            if (complete) {
                return "";
            }
            if (text.length() >= INLINE_OUTPUT_LIMIT - 100) {
                return "\n[cutover] " + stream + " TRUNCATED: SSM returns only the first "
                        + String.format("%,d", INLINE_OUTPUT_LIMIT) + " characters of a command's " + stream
                        + "; the rest is not shown (write it to a file on the host, or use SSH for this host)\n";
            }
            return "\n[cutover] " + stream + " may be incomplete: the command ended before cutover's end marker "
                    + "(it was stopped)\n";
        }
    }

    @Override
    public byte[] read(String path) throws IOException {
        throw noFiles("read", path);
    }

    @Override
    public Optional<FileInfo> stat(String path) throws IOException {
        throw noFiles("stat", path);
    }

    @Override
    public void replace(String path, byte[] content, Set<PosixFilePermission> newFilePermissions) throws IOException {
        throw noFiles("replace", path);
    }

    @Override
    public boolean delete(String path) throws IOException {
        throw noFiles("delete", path);
    }

    @Override
    public String sha256(String path) throws IOException {
        throw noFiles("checksum", path);
    }

    private IOException noFiles(String op, String path) {
        return new IOException("cannot " + op + " " + path + " on " + name() + " (" + instanceId() + "): over SSM "
                + "only commands run; file steps need SSH (give this host transport: ssh)");
    }

    @Override
    public String toString() {
        return name() + " (ssm " + instanceId() + ")";
    }
}
