package dev.cutover.demo;

import java.security.SecureRandom;
import java.util.HexFormat;

/** The demo's generated secrets; toString never shows them. */
record DemoSecrets(String truststorePassword, String dbAdminPassword, String appDbPassword) {
    static DemoSecrets generate() {
        SecureRandom r = new SecureRandom();
        return new DemoSecrets(random(r), random(r), random(r));
    }

    private static String random(SecureRandom r) {
        byte[] b = new byte[18];
        r.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }

    String exportLines() {
        return "export " + DemoEnvironment.TRUSTSTORE_PASSWORD_ENV + "=" + DemoFiles.shellQuote(truststorePassword) + "\n"
                + "export " + DemoEnvironment.DB_ADMIN_PASSWORD_ENV + "=" + DemoFiles.shellQuote(dbAdminPassword) + "\n";
    }

    @Override
    public String toString() {
        return "DemoSecrets[***]";
    }
}
