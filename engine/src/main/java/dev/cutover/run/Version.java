package dev.cutover.run;

/** cutover's version, from the jar manifest. */
public final class Version {
    private Version() {
    }

    public static String get() {
        Package p = Version.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "0.1.0-dev" : v;
    }
}
