package dev.cutover.tls;

import dev.cutover.spi.InputSpec;
import dev.cutover.spi.InputType;
import dev.cutover.spi.OutputSpec;
import dev.cutover.spi.Inputs;
import dev.cutover.spi.Intent;
import dev.cutover.spi.Plan;
import dev.cutover.spi.StepContext;
import dev.cutover.spi.StepFailedException;
import dev.cutover.spi.StepResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code tls.store-import}: imports each certificate of a bundle into a store under its own alias, with backup and undo. */
public final class StoreImportStep extends StoreChange {

    /** The step type as ServiceLoader creates it, renaming with an atomic move. */
    public StoreImportStep() {
        this(dev.cutover.spi.AtomicFiles.ATOMIC_MOVE);
    }

    StoreImportStep(dev.cutover.spi.AtomicFiles.Renamer renamer) {
        super(renamer);
    }

    @Override
    public String id() {
        return "tls.store-import";
    }

    @Override
    public String description() {
        return "Imports every certificate of a PEM/DER/PKCS#7 bundle into a keystore, each under its own alias "
                + "(the CN), backing the store up first; undo restores the backup byte for byte.";
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> l = new ArrayList<>(StoreInputs.storeTriple());
        l.add(InputSpec.required("bundle", InputType.PATH, "certificates to import (PEM with one or many, DER, or .p7b)"));
        l.add(StoreInputs.SUBJECT_MATCHES);
        l.add(InputSpec.optional("create", InputType.BOOL, false,
                "create the store when it does not exist (give 'type' and 'password')"));
        l.add(InputSpec.optional("keep_existing", InputType.BOOL, true,
                "keep every entry already in the store (default); false removes trusted certificates not in the bundle selection"));
        return l;
    }

    @Override
    public List<OutputSpec> outputs() {
        return List.of(
                OutputSpec.string("store", "the store changed"),
                OutputSpec.string("type", "JKS or PKCS12"),
                OutputSpec.list("added", "aliases added"),
                OutputSpec.list("already_present", "aliases whose certificate was already in the store"),
                OutputSpec.list("removed", "aliases removed (keep_existing: false)"),
                OutputSpec.string("backup",
                        "byte-exact copy of the store taken before the change (absent when the step created it)"),
                OutputSpec.string("backup_sha256", "SHA-256 of that copy (absent when the step created the store)"),
                OutputSpec.integer("count", "entries in the store afterwards"));
    }

    @Override
    public Plan plan(StepContext context) throws StepFailedException {
        ImportPlan p = ImportPlan.compute(context);
        String file = p.store().path().getFileName().toString();
        List<String> changes = new ArrayList<>();
        if (p.creates()) {
            changes.add("+ new " + p.store().kind().label() + " store " + p.store().path());
        }
        for (ImportPlan.Addition a : p.additions()) {
            changes.add("+ alias '" + a.alias() + "' into " + file + " (valid to "
                    + CertFacts.instant(a.cert().getNotAfter().toInstant()).substring(0, 10) + ", sha256 "
                    + CertFacts.sha256(a.cert()).substring(0, 11) + "…)");
        }
        for (String alias : p.present()) {
            changes.add("= alias '" + alias + "' already present");
        }
        for (String alias : p.removals()) {
            changes.add("- alias '" + alias + "' (keep_existing: false)");
        }
        String summary = p.changesNothing()
                ? "nothing to import: all " + p.present().size() + " selected certificates are already in " + file
                : "would add " + p.additions().size() + " certificate(s) to " + p.store().path() + ", "
                + p.present().size() + " already present" + (p.removals().isEmpty() ? ""
                : ", remove " + p.removals().size());
        return Plan.of(summary, changes);
    }

    @Override
    Map<String, Object> expectations(StepContext context) throws StepFailedException {
        ImportPlan p = ImportPlan.compute(context);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("expect_present", p.addedAliases());
        m.put("expect_absent", p.removals());
        return m;
    }

    @Override
    boolean looksDone(StepContext context, Intent intent) throws StepFailedException {
        CertStore store = StoreInputs.open(context);
        for (String alias : stringList(intent, "expect_present")) {
            if (!store.hasAlias(alias)) {
                return false;
            }
        }
        for (String alias : stringList(intent, "expect_absent")) {
            if (store.hasAlias(alias)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public StepResult apply(StepContext context, Intent intent) throws StepFailedException {
        Inputs in = context.inputs();
        ImportPlan p = ImportPlan.compute(context);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("store", p.store().path().toString());
        out.put("type", p.store().kind().label());
        out.put("added", p.addedAliases());
        out.put("already_present", p.present());
        out.put("removed", p.removals());
        if (intent.data().containsKey("backup")) {
            out.put("backup", intent.string("backup"));
            out.put("backup_sha256", intent.string("backup_sha256"));
        }
        if (p.changesNothing()) {
            out.put("count", p.store().entries().size());
            return StepResult.unchanged("all " + p.present().size() + " selected certificates already present", out);
        }
        for (ImportPlan.Addition a : p.additions()) {
            p.store().addTrusted(a.alias(), a.cert());
        }
        for (String alias : p.removals()) {
            p.store().remove(alias);
        }
        writeStore(context, p.store().path(), p.store().serialize(StoreInputs.password(in, "password")));
        out.put("count", p.store().entries().size());
        return StepResult.done(out, "added " + p.additions().size() + " certificate(s) to " + p.store().path());
    }
}
