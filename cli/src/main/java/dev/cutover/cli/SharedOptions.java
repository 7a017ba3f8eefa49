package dev.cutover.cli;

import dev.cutover.journal.SealSigningKey;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Options several commands declare, each declared once here and mixed in ({@code @Mixin}). Their help text
 * differs by command ("Who runs the change", "Who resumes"): it is in {@code Options.properties} under the
 * command's qualified name ({@code cutover.run.operator}); the description below is the fallback.
 */
final class SharedOptions {
    private SharedOptions() {
    }

    /** {@code --operator NAME}: who is recorded as running the command (default: the OS user). */
    static final class Operator {
        @Option(names = "--operator", descriptionKey = "operator", description = "Who (default: the OS user).")
        String operator;
    }

    /** {@code --ticket ID}: the change ticket, recorded in the journal. */
    static final class Ticket {
        @Option(names = "--ticket", descriptionKey = "ticket", description = "The change ticket.")
        String ticket;
    }

    /** {@code -y, --yes}: do not ask for confirmation. */
    static final class Yes {
        @Option(names = {"-y", "--yes"}, descriptionKey = "yes", description = "Do not ask for confirmation.")
        boolean yes;
    }

    /** {@code --sign-key FILE}: the Ed25519 private key to seal the journal with (default: $CUTOVER_SIGN_KEY). */
    static final class SignKey {
        @Spec(Spec.Target.MIXEE)
        CommandSpec mixee;

        @Option(names = "--sign-key", paramLabel = "FILE", descriptionKey = "sign-key", description = "Seal the "
                + "journal with this Ed25519 private key; default: $CUTOVER_SIGN_KEY.")
        Path signKey;

        /**
         * The key from --sign-key, else $CUTOVER_SIGN_KEY, to seal with; null for none.
         *
         * @throws ExitException.InvalidInput (2) when it cannot be read
         */
        SealSigningKey read() {
            String fromEnv = CutoverCli.environmentOf(mixee).get("CUTOVER_SIGN_KEY");
            Path file = signKey != null ? signKey : fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : null;
            if (file == null) {
                return null;
            }
            try {
                return dev.cutover.journal.SealKeys.readPrivate(file);
            } catch (IOException e) {
                throw new ExitException.InvalidInput("cutover: cannot read the signing key: " + e.getMessage()
                        + "; nothing was run.");
            }
        }
    }
}
