package dev.cutover.cli;

import picocli.CommandLine;

/**
 * Ends a command with one of the documented exit codes. A command throws one of these instead of printing
 * its message and returning a number; {@link #MAPPER} turns the type into the code and {@link #HANDLER}
 * prints the message, as given, on the command's error stream (nothing when the message is null: the
 * command has already said why, e.g. a list of runbook problems).
 */
abstract sealed class ExitException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** 2: the runbook, environment, params, options or a named file are wrong; nothing ran. */
    static final int INVALID_INPUT = 2;
    /** 5: refused: not confirmed, state directory unusable, a journal that cannot be trusted, a live holder. */
    static final int REFUSED = 5;
    /** What an exception that is not one of these ends with ("internal error", EX_SOFTWARE). */
    static final int INTERNAL_ERROR = 70;

    private final int exitCode;

    private ExitException(String message, int exitCode) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }

    /** Exit 2, invalid input. */
    static final class InvalidInput extends ExitException {
        private static final long serialVersionUID = 1L;

        InvalidInput(String message) {
            super(message, INVALID_INPUT);
        }
    }

    /** Exit 5, refused. */
    static final class Refused extends ExitException {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, REFUSED);
        }
    }

    /** The one place exceptions become exit codes. */
    static final CommandLine.IExitCodeExceptionMapper MAPPER = new Mapper();

    /** Prints what a command's exception says and ends with the code {@link #MAPPER} gives it. */
    static final CommandLine.IExecutionExceptionHandler HANDLER = new Handler();

    // Named classes, not lambdas: a lambda implementing one of picocli's interfaces (class files older than
    // Java 6, which the JDK's ahead-of-time cache cannot hold) makes JDK 25 crash while it writes the cache.
    private static final class Mapper implements CommandLine.IExitCodeExceptionMapper {
        @Override
        public int getExitCode(Throwable ex) {
            return exitCodeOf(ex);
        }
    }

    private static final class Handler implements CommandLine.IExecutionExceptionHandler {
        @Override
        public int handleExecutionException(Exception ex, CommandLine commandLine, CommandLine.ParseResult parseResult) {
            return handle(ex, commandLine);
        }
    }

    private static int exitCodeOf(Throwable ex) {
        if (ex instanceof ExitException e) {
            return e.exitCode();
        }
        if (ex instanceof CommandLine.ParameterException || ex instanceof dev.cutover.plugin.PluginException) {
            // picocli's own parse errors (unknown option, missing parameter) are invalid input, as before;
            // so is a plugin jar that cannot be loaded: nothing was run
            return INVALID_INPUT;
        }
        return INTERNAL_ERROR;
    }

    private static int handle(Exception ex, CommandLine commandLine) {
        var err = commandLine.getErr();
        if (ex instanceof ExitException e) {
            if (e.getMessage() != null) {
                err.println(e.getMessage());
            }
        } else if (ex instanceof dev.cutover.plugin.PluginException) {
            err.println("cutover: " + ex.getMessage() + "; nothing was run.");
        } else {
            err.println("cutover: internal error: " + dev.cutover.secrets.Masker.global().mask(
                    dev.cutover.spi.ErrorText.of(ex)) + " (run again with --verbose for the details)");
            org.slf4j.LoggerFactory.getLogger(CutoverCli.class).debug("internal error", ex);
        }
        err.flush();
        CommandLine.IExitCodeExceptionMapper mapper = commandLine.getExitCodeExceptionMapper();
        return (mapper != null ? mapper : MAPPER).getExitCode(ex);
    }
}
