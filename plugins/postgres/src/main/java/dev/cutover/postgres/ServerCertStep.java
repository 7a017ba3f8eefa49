package dev.cutover.postgres;

import dev.cutover.spi.AtomicFiles;
import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.ProbeResult;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;
import dev.cutover.spi.Undoable;
import dev.cutover.spi.Probeable;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code postgres.server-cert}: replaces a PostgreSQL server's certificate and key files with new
 * ones and reloads the server, the local stand-in for rotating an RDS instance's CA. Backs up the
 * current files first; its built-in undo restores them and reloads; its probe compares hashes.
 */
public final class ServerCertStep implements Undoable, Probeable {

    @Override
    public String id() {
        return "postgres.server-cert";
    }

    @Override
    public String description() {
        return "Replace a PostgreSQL server's certificate and key files and reload it (undo restores the backup).";
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> specs = new ArrayList<>(PgConnections.INPUTS);
        specs.add(InputSpec.required("cert_file", InputType.PATH, "the server's ssl_cert_file"));
        specs.add(InputSpec.required("key_file", InputType.PATH, "the server's ssl_key_file"));
        specs.add(InputSpec.required("new_cert_file", InputType.PATH, "PEM certificate to install"));
        specs.add(InputSpec.required("new_key_file", InputType.PATH, "PEM private key that belongs to new_cert_file"));
        specs.add(InputSpec.optional("reload_timeout", InputType.DURATION, "15s",
                "how long to wait for new connections to present the new certificate"));
        specs.add(InputSpec.optional("backup_dir", InputType.PATH, null,
                "where to keep the current files (default: the run directory's backups/<step id>)"));
        return List.copyOf(specs);
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("new_issuer", "issuer of the certificate installed"),
                OutputSpec.string("new_subject", "subject of the certificate installed"),
                OutputSpec.string("new_sha256", "SHA-256 fingerprint of the certificate installed (keytool form, AB:CD:...)"),
                OutputSpec.string("previous_issuer", "issuer of the certificate replaced"),
                OutputSpec.string("previous_subject", "subject of the certificate replaced"),
                OutputSpec.string("previous_sha256", "SHA-256 fingerprint of the certificate replaced (keytool form)"),
                OutputSpec.string("backup_cert", "the backup of the replaced certificate file"));
    }

    @Override
    public Set<String> traits() {
        return Set.of(dev.cutover.spi.Traits.CHANGES_DATABASE_CA, dev.cutover.spi.Traits.THIS_MACHINE_ONLY);
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        CertFiles.CertInfo current = CertFiles.readCert(in.path("cert_file"), "cert_file");
        CertFiles.CertInfo next = CertFiles.readCert(in.path("new_cert_file"), "new_cert_file");
        if (current.fingerprint().equals(next.fingerprint())) {
            return Plan.of("the server already uses " + next.subject() + " issued by " + next.issuer() + "; nothing to do");
        }
        return Plan.of("replace the server certificate of " + in.string("jdbc_url") + " and reload", List.of(
                "~ issuer " + current.issuer() + " -> " + next.issuer(),
                "~ certificate sha256 " + current.fingerprint() + " -> " + next.fingerprint(),
                "~ " + in.path("cert_file") + " and " + in.path("key_file") + " (backed up first)",
                "! SELECT pg_reload_conf(): new connections must trust " + next.issuer()));
    }

    @Override
    public Intent prepare(StepContext context) throws StepFailedException {
        Inputs in = context.inputs();
        Path certFile = in.path("cert_file");
        Path keyFile = in.path("key_file");
        CertFiles.CertInfo current = CertFiles.readCert(certFile, "cert_file");
        CertFiles.CertInfo next = CertFiles.readCert(in.path("new_cert_file"), "new_cert_file");
        CertFiles.checkPair(next, CertFiles.readKey(in.path("new_key_file"), "new_key_file"),
                in.path("new_cert_file"), in.path("new_key_file"));
        Instant now = Instant.now();
        if (now.isAfter(next.notAfter()) || now.isBefore(next.notBefore())) {
            throw new StepFailedException("new_cert_file " + in.path("new_cert_file") + " is valid only from "
                    + next.notBefore() + " to " + next.notAfter());
        }
        Path backups = in.optionalPath("backup_dir").orElse(context.runDirectory().resolve("backups").resolve(context.stepId()));
        Path backupCert = backups.resolve(certFile.getFileName() + ".bak");
        Path backupKey = backups.resolve(keyFile.getFileName() + ".bak");
        String certSum = backup(certFile, backupCert);
        String keySum = backup(keyFile, backupKey);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("cert_file", certFile.toString());
        data.put("key_file", keyFile.toString());
        data.put("backup_cert", backupCert.toString());
        data.put("backup_key", backupKey.toString());
        data.put("previous_cert_file_sha256", certSum);
        data.put("previous_key_file_sha256", keySum);
        data.put("previous_sha256", current.fingerprint());
        data.put("previous_issuer", current.issuer());
        data.put("previous_subject", current.subject());
        data.put("new_sha256", next.fingerprint());
        data.put("new_issuer", next.issuer());
        data.put("new_subject", next.subject());
        data.put("new_cert_file_sha256", CertFiles.fileSha256(in.path("new_cert_file"), "new_cert_file"));
        return Intent.of(data);
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException, InterruptedException {
        Inputs in = context.inputs();
        Path certFile = in.path("cert_file");
        Path keyFile = in.path("key_file");
        byte[] newCert = CertFiles.read(in.path("new_cert_file"), "new_cert_file");
        byte[] newKey = CertFiles.read(in.path("new_key_file"), "new_key_file");
        Map<String, Object> outputs = outputs(intent);
        PgConnections.Target target = PgConnections.target(in.string("jdbc_url"));
        try (Connection c = PgConnections.open(context)) {
            ServerReload.checkServerUses(c, certFile, keyFile, context);
            if (intent.string("previous_sha256").equals(intent.string("new_sha256"))) {
                return StepResult.unchanged("the server already uses this certificate", outputs);
            }
            replace(keyFile, newKey);
            replace(certFile, newCert);
            try {
                ServerReload.reload(c, context);
                ServerReload.awaitPresented(target, intent.string("new_sha256"), in.duration("reload_timeout"));
            } catch (StepFailedException e) {
                context.note("restoring the previous certificate after a failed reload");
                restore(context, intent, c);
                throw new StepFailedException(e.getMessage() + " (the previous certificate was restored)", outputs, e);
            }
        } catch (SQLException e) {
            throw new StepFailedException("database error: " + PgConnections.describe(e, context), outputs, e);
        }
        context.note("server now presents " + intent.string("new_subject") + " issued by " + intent.string("new_issuer"));
        return StepResult.done(outputs, "server certificate now issued by " + intent.string("new_issuer"));
    }

    @Override
    public StepResult undo(StepContext context, Intent intent) throws StepFailedException, InterruptedException {
        try (Connection c = PgConnections.open(context)) {
            restore(context, intent, c);
        } catch (SQLException e) {
            throw new StepFailedException("database error: " + PgConnections.describe(e, context), e);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("restored_sha256", intent.string("previous_sha256"));
        out.put("restored_issuer", intent.string("previous_issuer"));
        return StepResult.done(out, "server certificate restored to one issued by " + intent.string("previous_issuer"));
    }

    @Override
    public ProbeResult probe(StepContext context, Intent intent) {
        try {
            String now = CertFiles.fileSha256(Path.of(intent.string("cert_file")), "cert_file");
            if (now.equals(intent.string("new_cert_file_sha256"))) {
                return ProbeResult.DONE;
            }
            return now.equals(intent.string("previous_cert_file_sha256")) ? ProbeResult.NOT_DONE : ProbeResult.UNKNOWN;
        } catch (StepFailedException e) {
            return ProbeResult.UNKNOWN;
        }
    }

    private static void restore(StepContext context, Intent intent, Connection c)
            throws StepFailedException, InterruptedException {
        Path backupCert = Path.of(intent.string("backup_cert"));
        Path backupKey = Path.of(intent.string("backup_key"));
        byte[] cert = CertFiles.read(backupCert, "backup");
        byte[] key = CertFiles.read(backupKey, "backup");
        if (!CertFiles.sha256(cert).equals(intent.string("previous_cert_file_sha256"))
                || !CertFiles.sha256(key).equals(intent.string("previous_key_file_sha256"))) {
            throw new StepFailedException("the backups in " + backupCert.getParent()
                    + " no longer match the checksums journaled before the change; restore the server certificate by hand");
        }
        replace(Path.of(intent.string("key_file")), key);
        replace(Path.of(intent.string("cert_file")), cert);
        ServerReload.reload(c, context);
        PgConnections.Target target = PgConnections.target(context.inputs().string("jdbc_url"));
        Duration timeout = context.inputs().duration("reload_timeout");
        ServerReload.awaitPresented(target, intent.string("previous_sha256"), timeout);
    }

    /** Replaces a file by the {@link AtomicFiles} policy: a symlinked server.crt stays a link, owner and mode stay. */
    private static void replace(Path file, byte[] bytes) throws StepFailedException {
        try {
            AtomicFiles.replace(file, bytes, AtomicFiles.OWNER_ONLY);
        } catch (IOException e) {
            throw new StepFailedException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    /** A byte-exact backup with the file's mode; returns its SHA-256 (lower-case hex). */
    private static String backup(Path file, Path copy) throws StepFailedException {
        try {
            return AtomicFiles.copy(file, copy);
        } catch (IOException e) {
            throw new StepFailedException("cannot back up " + file + " to " + copy + ": " + e.getMessage()
                    + "; check the backup directory is writable", e);
        }
    }

    private static Map<String, Object> outputs(Intent intent) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : List.of("new_issuer", "new_subject", "new_sha256", "previous_issuer", "previous_subject",
                "previous_sha256")) {
            out.put(k, intent.string(k));
        }
        out.put("backup_cert", intent.string("backup_cert"));
        return out;
    }
}
