package dev.cutover.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The truststore a running JVM uses, worked out from its command line the way the JDK does:
 * {@code javax.net.ssl.trustStore} if set, else {@code lib/security/jssecacerts} if it exists, else
 * {@code lib/security/cacerts}. Relative paths resolve against the process's working directory.
 * ({@code JAVA_TOOL_OPTIONS} and options set in code are not visible here.)
 */
record JvmTruststore(Path path, String source, String type) {
    private static final String STORE = "-Djavax.net.ssl.trustStore=";
    private static final String TYPE = "-Djavax.net.ssl.trustStoreType=";
    private static final java.util.Set<String> VALUED = java.util.Set.of("-cp", "-classpath", "--class-path", "-p",
            "--module-path", "--add-modules", "--add-opens", "--add-exports", "--add-reads", "--patch-module");

    static Optional<JvmTruststore> of(long pid, String command, List<String> args) {
        return of(command, args, () -> cwd(pid), Files::exists);
    }

    /**
     * The truststore of a JVM started as {@code command args}, wherever it runs: {@code cwd} gives its working
     * directory, {@code exists} whether a file exists there (a fleet host's, through the host).
     */
    static Optional<JvmTruststore> of(String command, List<String> args,
                                      java.util.function.Supplier<Optional<Path>> cwd,
                                      java.util.function.Predicate<Path> exists) {
        Path exe = command.isEmpty() ? null : Path.of(command);
        boolean java = exe != null && exe.getFileName().toString().equals("java");
        if (!java && args.stream().noneMatch(a -> a.startsWith("-D"))) {
            return Optional.empty();
        }
        String type = "PKCS12";
        String store = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.startsWith(STORE)) {
                store = a.substring(STORE.length());
            } else if (a.startsWith(TYPE)) {
                type = a.substring(TYPE.length());
            } else if (VALUED.contains(a)) {
                i++;
            } else if (!a.startsWith("-") || a.equals("-jar") || a.equals("-m") || a.equals("--module")) {
                break;
            }
        }
        final String given = store;
        if (given != null) {
            Path p = Path.of(given);
            if (!p.isAbsolute()) {
                p = cwd.get().map(d -> d.resolve(given)).orElse(p);
            }
            return Optional.of(new JvmTruststore(p.normalize(), STORE.substring(0, STORE.length() - 1), type));
        }
        if (exe == null || exe.getParent() == null || exe.getParent().getParent() == null) {
            return Optional.empty();
        }
        Path security = exe.getParent().getParent().resolve("lib").resolve("security");
        Path jsse = security.resolve("jssecacerts");
        return exists.test(jsse) ? Optional.of(new JvmTruststore(jsse, "jssecacerts (JDK default, wins over cacerts)", type))
                : Optional.of(new JvmTruststore(security.resolve("cacerts"), "cacerts (JDK default)", type));
    }

    static boolean sameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return a.toAbsolutePath().normalize().equals(b.toAbsolutePath().normalize());
        }
    }

    private static Optional<Path> cwd(long pid) {
        try {
            return Optional.of(Files.readSymbolicLink(Path.of("/proc", Long.toString(pid), "cwd")));
        } catch (IOException | UnsupportedOperationException e) {
            return Optional.empty();
        }
    }
}
