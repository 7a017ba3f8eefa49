package dev.cutover.cli;

import dev.cutover.journal.SealKeys;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cutover keygen}: creates the Ed25519 key pair that seals journals. */
@Command(name = "keygen", mixinStandardHelpOptions = true,
        description = "Create an Ed25519 key pair for sealing runs (run --sign-key) as PEM files: "
                + SealKeys.PRIVATE_FILE + " (mode 0600, keep it secret) and " + SealKeys.PUBLIC_FILE
                + " (give it to auditors). Exit 0 created, 2 a key file already exists or DIR is not writable.")
final class KeygenCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory to write the two files to.")
    Path out;

    /** Accepted like on every command; a key pair does not depend on them. */
    @Mixin
    GlobalOptions global;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        SealKeys.Generated g;
        try {
            g = SealKeys.generate(out);
        } catch (FileAlreadyExistsException e) {
            throw new ExitException.InvalidInput("cutover: " + e.getFile() + ": " + e.getReason() + "; nothing was "
                    + "written.");
        } catch (IOException e) {
            throw new ExitException.InvalidInput("cutover: cannot write a key pair to " + out + ": " + dev.cutover.spi.ErrorText.of(e));
        }
        var o = spec.commandLine().getOut();
        o.println("private key: " + g.privateKey() + "  (mode 0600; seal runs with: cutover run ... --sign-key "
                + g.privateKey() + ")");
        o.println("public key:  " + g.publicKey() + "  (verify with: cutover verify RUN --public-key "
                + g.publicKey() + ")");
        o.println("fingerprint: " + g.fingerprint());
        return 0;
    }
}
